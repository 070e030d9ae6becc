/**
 * Areas (pixel counts) of the 8-connected foreground regions of a binary mask (non-zero = foreground),
 * found with an explicit stack so large regions cannot overflow the call stack.
 */
export function componentAreas(mask: Uint8Array, width: number, height: number): number[] {
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const areas: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let top = 0;
    let area = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const i = stack[--top];
      area++;
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const j = ny * width + nx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            stack[top++] = j;
          }
        }
      }
    }
    areas.push(area);
  }
  return areas;
}
