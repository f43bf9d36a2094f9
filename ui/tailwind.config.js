// Tailwind for arbor's web UI (src/server/CMakeLists.txt runs it at build time). The
// content scan reads the mustache templates: every utility class they name is in the CSS
// arbor embeds, and nothing else (server_web_ui_test checks the first half).
/** @type {import('tailwindcss').Config} */
module.exports = {
  content: {
    relative: true,
    files: ['../src/server/templates/*.mustache'],
  },
  theme: { extend: {} },
  plugins: [],
};
