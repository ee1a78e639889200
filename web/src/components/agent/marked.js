// Splits search text with <mark>…</mark> highlights into plain pieces, so highlights render
// without v-html: [{ text, mark }]. Entities in the pieces are decoded to plain text.
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" }

function decode(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m) => ENTITIES[m])
}

export function markedPieces(html) {
  const out = []
  let mark = false
  for (const part of String(html || '').split(/(<\/?mark>)/)) {
    if (part === '<mark>') mark = true
    else if (part === '</mark>') mark = false
    else if (part) out.push({ text: decode(part), mark })
  }
  return out
}
