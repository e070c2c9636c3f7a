// A page built on @ai-sdk/react's useChat with its default transport, bundled by esbuild in
// browser_chat.mjs and loaded in headless Chromium.
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

function Chat() {
  const { messages, sendMessage, status, error } = useChat({
    transport: new DefaultChatTransport({ api: '/api/chat' }),
  });
  const [input, setInput] = useState('');
  return (
    <main data-status={status}>
      {messages.map(message => (
        <div key={message.id} className="message" data-role={message.role}>
          {message.parts.map((part, index) => {
            if (part.type === 'text') return <p key={index} className="text">{part.text}</p>;
            if (part.type === 'reasoning') return <p key={index} className="reasoning">{part.text}</p>;
            if (part.type.startsWith('tool-'))
              return <p key={index} className="tool" data-state={part.state}>{part.type}: {JSON.stringify(part.output ?? null)}</p>;
            return null;
          })}
          {message.metadata ? <p className="metadata">{JSON.stringify(message.metadata)}</p> : null}
        </div>
      ))}
      {error ? <p className="error">{error.message}</p> : null}
      <form
        onSubmit={event => {
          event.preventDefault();
          sendMessage({ text: input });
          setInput('');
        }}
      >
        <input id="input" value={input} onChange={event => setInput(event.target.value)} />
        <button id="send" type="submit">Send</button>
      </form>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<Chat />);
