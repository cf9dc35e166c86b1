/** The visitor-safe shapes (contract/visitor.ts): an operator is a display name, nothing internal. */
import type { ChatView, MessageView } from '../../../contract/chats.ts'
import type { VisitorChat, VisitorMessage } from '../../../contract/visitor.ts'

/** A chat as its visitor sees it. */
export function toVisitorChat(c: ChatView): VisitorChat {
  return {
    id: c.id,
    state: c.state,
    operatorName: c.state === 'new' ? null : c.assigneeName,
    messageCount: c.messageCount,
    operatorReadN: c.operatorReadN,
  }
}

/** A message as the visitor sees it. */
export function toVisitorMessage(m: MessageView): VisitorMessage {
  return {
    id: m.id,
    n: m.n,
    clientMsgId: m.clientMsgId,
    author: m.author,
    authorName: m.author === 'operator' ? m.authorName : null,
    kind: m.kind,
    text: m.text,
    replyToId: m.replyToId,
    file: m.file && {
      id: m.file.id,
      name: m.file.name,
      type: m.file.type,
      size: m.file.size,
      durationMs: m.file.durationMs,
    },
    at: m.at,
    delivery: m.delivery,
  }
}
