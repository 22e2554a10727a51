/**
 * Keyboard access to what scrolls sideways (WCAG 2.1.1): a code block, an output or a formula wider
 * than the page gets a tab stop (tabindex 0), so that the arrow keys scroll it, unless something
 * inside it takes the focus already; one that fits again loses it. Checked after every change to
 * the page's content, at most once per frame, and when the window changes size.
 */

/** The elements that scroll sideways when their content is wider than they are (site.css's overflow-x:auto). */
const SCROLLERS = "pre, .math-block, .table-wrap, .nnkit-display";

/** Elements that take the focus by themselves. */
const FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1']), [contenteditable]:not([contenteditable='false'])";

/** Give every element under `root` that overflows a tab stop, and take it from one that no longer does (only the ones given here). */
export function markScrollable(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>(SCROLLERS)) {
    const overflows = el.scrollWidth > el.clientWidth + 1;
    const given = el.dataset.scrollStop === "1";
    if (overflows && !given && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
      el.tabIndex = 0;
      el.dataset.scrollStop = "1";
    } else if (!overflows && given) {
      el.removeAttribute("tabindex");
      delete el.dataset.scrollStop;
    }
  }
}

/** Keep `root`'s scrolling elements reachable by keyboard from now on (see markScrollable). */
export function watchScrollable(root: HTMLElement): void {
  let frame = 0;
  const schedule = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => markScrollable(root));
  };
  new MutationObserver(schedule).observe(root, { childList: true, subtree: true, characterData: true });
  window.addEventListener("resize", schedule);
  schedule();
}
