// xterm.js writes its theme and cell sizes into <style> elements it makes (when it opens and on its
// first renders), which the renderer's Content-Security-Policy (style-src 'self', no inline styles)
// refuses (an inline <style> is reported even while empty, as it is inserted). While a terminal is
// open, a <style> asked of the document is an inert <template> in its place, whose text goes into a
// constructed stylesheet of the document instead (CSSOM, which the policy allows) and goes with it
// when removed: xterm.js uses only their textContent and remove(). Returns the undo, for when the
// terminal closes. The stack editor (CodeMirror, whose style-mod writes a <style> the same way)
// holds it only while it makes its view: see ComposeEditor.tsx.

export function adoptStyles(doc: Document): () => void {
  const original = doc.createElement;
  const create = original as (this: Document, tag: string, options?: ElementCreationOptions) => HTMLElement;
  doc.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    if (tag.toLowerCase() !== 'style') return create.call(this, tag, options);
    const stand = create.call(this, 'template', options);
    adopt(doc, stand);
    return stand;
  } as typeof doc.createElement;
  return () => {
    doc.createElement = original;
  };
}

function adopt(doc: Document, element: HTMLElement): void {
  const sheet = new CSSStyleSheet();
  let text = '';
  let adopted = false;
  const place = (): void => {
    if (!adopted) doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    adopted = true;
  };
  Object.defineProperty(element, 'textContent', {
    get: () => text,
    set: (value: string | null) => {
      text = value ?? '';
      sheet.replaceSync(text);
      place();
    },
  });
  Object.defineProperty(element, 'innerText', { get: () => text, set: (value: string) => (element.textContent = value) });
  const remove = element.remove.bind(element);
  element.remove = () => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
    adopted = false;
    remove();
  };
}
