// Sends a conversation to a chat endpoint with the AI SDK's own client code (the default
// transport, or the text stream transport) and assembles the answer with readUIMessageStream.
// Prints {"message": <the final UI message>, "chunkTypes": [...], "errors": [...]} as JSON.
//
// usage: node read_ui_message_stream.mjs <api url> <ui|text> <messages as JSON>
import { DefaultChatTransport, TextStreamChatTransport, readUIMessageStream } from 'ai';

const [api, protocol, messagesJson] = process.argv.slice(2);
const messages = JSON.parse(messagesJson);
const transport = protocol === 'text' ? new TextStreamChatTransport({ api }) : new DefaultChatTransport({ api });

const stream = await transport.sendMessages({
  trigger: 'submit-message',
  chatId: 'chat-1',
  messageId: undefined,
  messages,
  abortSignal: undefined,
});
const [forMessage, forTypes] = stream.tee();

const chunkTypes = [];
const errors = [];
const collectTypes = (async () => {
  const reader = forTypes.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunkTypes.push(value.type);
  }
})().catch(error => errors.push(`chunk stream: ${error.message}`));

let message;
for await (const state of readUIMessageStream({
  stream: forMessage,
  onError: error => errors.push(error.message ?? String(error)),
})) {
  message = state;
}
await collectTypes;
process.stdout.write(JSON.stringify({ message, chunkTypes, errors }));
