// Live changes: the graphql-transport-ws protocol over WebSocket at /graphql/ws, authenticated
// by the signed-in user's token in connection_init, as Snodo serves its subscriptions. A page
// subscribes while it is shown; the connection closes when the page or the session ends, and
// comes back after a drop.
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { session } from './session';

export type Unsubscribe = () => void;

// subscribe calls onChange with each change the server sends, until the returned function is
// called. Without a session it does nothing (anonymous visitors have no live changes).
export function subscribe<D, V>(doc: TypedDocumentNode<D, V>, variables: V, onChange: (data: D) => void): Unsubscribe {
  let socket: WebSocket | null = null;
  let stopped = false;
  let retry: number | undefined;
  const open = (): void => {
    const token = session.token();
    if (stopped || !token) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
    const ws = new WebSocket(url, 'graphql-transport-ws');
    socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
    ws.onmessage = (e: MessageEvent<string>) => {
      const msg = JSON.parse(e.data) as { type: string; payload?: { data?: D } };
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: print(doc), variables } }));
      } else if (msg.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      } else if (msg.type === 'next' && msg.payload?.data) {
        onChange(msg.payload.data);
      }
    };
    ws.onclose = () => {
      socket = null;
      if (!stopped) retry = window.setTimeout(open, 3000);
    };
  };
  open();
  document.documentElement.dataset.live = 'on';
  return () => {
    stopped = true;
    window.clearTimeout(retry);
    socket?.close();
    delete document.documentElement.dataset.live;
  };
}
