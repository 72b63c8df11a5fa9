/**
 * A script's instructions, markdown read minimally: blank lines separate blocks, a block of
 * "- " or "1. " lines is a list, anything else a paragraph. Text only: nothing from a script
 * becomes HTML.
 */
type Block = { kind: "p"; text: string } | { kind: "ul" | "ol"; items: string[] };

const BULLET = /^\s*[-*+]\s+/;
const NUMBERED = /^\s*\d+[.)]\s+/;

export function parseInstructions(source: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of source.split(/\n\s*\n/)) {
    const lines = chunk.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    let list: { kind: "ul" | "ol"; items: string[] } | null = null;
    let paragraph: string[] = [];
    const flushParagraph = () => {
      if (paragraph.length) blocks.push({ kind: "p", text: paragraph.join(" ") });
      paragraph = [];
    };
    for (const line of lines) {
      const kind = BULLET.test(line) ? "ul" : NUMBERED.test(line) ? "ol" : null;
      if (kind) {
        flushParagraph();
        if (!list || list.kind !== kind) {
          list = { kind, items: [] };
          blocks.push(list);
        }
        list.items.push(line.replace(kind === "ul" ? BULLET : NUMBERED, "").trim());
      } else if (list && /^\s+/.test(line)) {
        // An indented line continues the previous item.
        list.items[list.items.length - 1] += ` ${line.trim()}`;
      } else {
        list = null;
        paragraph.push(line.trim());
      }
    }
    flushParagraph();
  }
  return blocks;
}

export function InstructionsText({ source }: { source: string }) {
  const blocks = parseInstructions(source);
  if (blocks.length === 0) return null;
  return (
    <div className="instructions">
      {blocks.map((block, i) =>
        block.kind === "p" ? (
          <p key={i}>{block.text}</p>
        ) : block.kind === "ul" ? (
          <ul key={i}>
            {block.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ) : (
          <ol key={i}>
            {block.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ol>
        ),
      )}
    </div>
  );
}
