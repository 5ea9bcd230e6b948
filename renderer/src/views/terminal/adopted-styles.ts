// xterm.js writes its theme and cell sizes into <style> elements it makes (when it opens and on its
// first renders), which the renderer's Content-Security-Policy (style-src 'self', no inline styles)
// refuses. While a terminal is open, <style> elements made in the page keep their text out of it:
// each writes it into a constructed stylesheet of the document instead (CSSOM, which the policy
// allows), and drops it when removed. Returns the undo, for when the terminal closes.

export function adoptStyles(doc: Document): () => void {
  const original = doc.createElement;
  const create = original as (this: Document, tag: string, options?: ElementCreationOptions) => HTMLElement;
  doc.createElement = function (this: Document, tag: string, options?: ElementCreationOptions) {
    const element = create.call(this, tag, options);
    if (tag.toLowerCase() === 'style') adopt(doc, element as HTMLStyleElement);
    return element;
  } as typeof doc.createElement;
  return () => {
    doc.createElement = original;
  };
}

function adopt(doc: Document, element: HTMLStyleElement): void {
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
