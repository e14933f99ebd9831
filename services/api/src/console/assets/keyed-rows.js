// Tables whose rows are keyed by id and updated in place, so a refresh never
// steals keyboard focus from a row's button or rebuilds what did not change.

/** Writes text only when it differs (no mutation, no screen-reader chatter). */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Makes tbody show `items` in order: rows are found by `data-<key>` = item.id,
 * made by `createRow(id)` when new, refreshed by `updateRow(row, item)`, and
 * removed when their item is gone.
 */
export function renderKeyedRows(tbody, items, key, createRow, updateRow) {
  const existing = new Map();
  for (const row of tbody.querySelectorAll('tr')) existing.set(row.dataset[key], row);
  items.forEach((item, index) => {
    let row = existing.get(item.id);
    if (row) existing.delete(item.id);
    else {
      row = createRow(item.id);
      row.dataset[key] = item.id;
    }
    updateRow(row, item);
    // Move only when out of place: moving a node blurs a focused button in it.
    if (tbody.children[index] !== row) tbody.insertBefore(row, tbody.children[index] ?? null);
  });
  for (const row of existing.values()) row.remove();
}
