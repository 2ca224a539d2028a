/**
 * Graphviz compiled to WebAssembly (`@hpcc-js/wasm-graphviz`, its wasm inlined in the package):
 * DOT to SVG locally, offline, the same bytes for the same input. The SVG is trimmed to the `<svg>`
 * element (no XML prolog, doctype or comments) so that it can sit inline in an HTML page.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let loaded: Promise<Graphviz> | undefined;

/** Graphviz, loaded once per process. */
export function graphviz(): Promise<Graphviz> {
  return (loaded ??= Graphviz.load());
}

export async function dotToSvg(dot: string): Promise<string> {
  const gv = await graphviz();
  return inlineSvg(gv.dot(dot, 'svg'));
}

/** The `<svg>` element alone, without the comments Graphviz writes inside it. */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz gave no <svg> element');
  return svg
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .trim();
}
