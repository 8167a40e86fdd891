// Pure geometry for the small CPU/memory sparklines in the VM list (drawn as an SVG path).

/**
 * An SVG path through `values`, scaled into width × height (y grows downwards). The newest value is at
 * the right edge; `slots` fixes the horizontal spacing so a line grows from the right as samples arrive.
 * `max` scales the top (defaults to the largest value); `min` the bottom (default 0).
 */
export function sparklinePath(values: readonly number[], width: number, height: number, slots: number, max?: number, min = 0): string {
  if (values.length === 0) return '';
  const top = Math.max(max ?? Math.max(...values), min + 1e-9);
  const step = slots > 1 ? width / (slots - 1) : width;
  const offset = width - (values.length - 1) * step;
  const pad = 1;
  const points = values.map((v, i) => {
    const x = offset + i * step;
    const clamped = Math.min(Math.max(v, min), top);
    const y = pad + (height - 2 * pad) * (1 - (clamped - min) / (top - min));
    return `${round(x)},${round(y)}`;
  });
  return `M${points.join(' L')}`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
