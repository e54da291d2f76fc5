// A "Print" button on a printable page (the packing slip): opens the browser's print dialog.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.print-page")) {
    button.addEventListener("click", () => window.print());
  }
});
