// Runs before the page is drawn: tells the stylesheet that JavaScript is on,
// so the no-JavaScript fallbacks (such as the always-open menu) step aside.
document.documentElement.classList.remove("no-js");
document.documentElement.classList.add("js");
