// <dialog> helpers: showModal traps focus and Escape cancels; these add the
// focus return to the button that opened the dialog and error display.

const openers = new WeakMap();

/** Opens a modal dialog, focusing `focusTarget` (or its autofocus element). */
export function openDialog(dialog, opener, focusTarget) {
  openers.set(dialog, opener);
  clearErrors(dialog);
  dialog.showModal();
  focusTarget?.focus();
}

export function closeDialog(dialog) {
  if (dialog.open) dialog.close();
}

const FOCUSABLE =
  'button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), a[href]';

/**
 * Tab and Shift+Tab wrap around inside the dialog. A modal dialog makes the
 * page behind it inert, but Tab past its last control would still leave for
 * the browser's own UI; a keyboard user then has to find the way back.
 */
function keepFocusInside(dialog) {
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const focusable = [...dialog.querySelectorAll(FOCUSABLE)].filter((e) => e.offsetParent !== null);
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
}

/**
 * Cancel buttons close; focus stays inside while open; on close, focus goes
 * back to the opener or, if it is gone, to `fallback`.
 */
export function wireDialog(dialog, fallback) {
  for (const button of dialog.querySelectorAll('[data-close]')) {
    button.addEventListener('click', () => closeDialog(dialog));
  }
  keepFocusInside(dialog);
  // Escape must not close a dialog whose request is still out: its answer
  // (an error to show next to a field) would land in a closed dialog.
  dialog.addEventListener('cancel', (event) => {
    if (dialog.getAttribute('aria-busy') === 'true') event.preventDefault();
  });
  dialog.addEventListener('close', () => {
    const opener = openers.get(dialog);
    openers.delete(dialog);
    // The close event is queued: by the time it runs, the page may already have
    // moved focus on purpose (to a restore it just started); leave that alone.
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused !== opener && !dialog.contains(focused)) return;
    const target = opener?.isConnected && !opener.disabled ? opener : fallback();
    target?.focus();
  });
}

/** Marks the form busy so a double click cannot submit twice. */
export function setBusy(dialog, busy) {
  for (const button of dialog.querySelectorAll('button')) button.disabled = busy;
  dialog.setAttribute('aria-busy', String(busy));
}

/** Writes only a change: an alert region rewritten with the same words is read out again. */
export function showAlert(element, message) {
  if (element.textContent !== message) element.textContent = message;
  element.hidden = !message;
}

export function showFieldError(input, element, message) {
  element.textContent = message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

function clearErrors(dialog) {
  for (const el of dialog.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of dialog.querySelectorAll('.alert')) showAlert(el, '');
  for (const el of dialog.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  setBusy(dialog, false);
}

/**
 * Shows an API error's `details` next to the fields they name (`fields` maps a
 * field name to its [input, error element]); the message and any issue for no
 * such field go in `alert`. Focus goes to the first bad field, else `fallbackFocus`.
 * `invalid_node` names no field, but it is about the node chosen.
 */
export function showFieldIssues(error, fields, alert, fallbackFocus) {
  const details =
    error.code === 'invalid_node' ? [{ field: 'node_id', message: error.message }] : error.details;
  let first;
  const others = [];
  for (const issue of details) {
    const target = Object.hasOwn(fields, issue.field) ? fields[issue.field] : undefined;
    if (target) {
      showFieldError(target[0], target[1], issue.message);
      first ??= target[0];
    } else others.push(`${issue.field}: ${issue.message}`);
  }
  if (!first || others.length > 0) showAlert(alert, [error.message, ...others].join(' '));
  (first ?? fallbackFocus).focus();
}
