// The one way the app talks to Snodo: GraphQL over HTTP at /graphql through urql, with the
// signed-in user's token. Operations are typed by GraphQL Code Generator (src/gql).
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode, CombinedError } from '@urql/core';
import { session } from './session';

export const client = new Client({
  url: '/graphql',
  exchanges: [fetchExchange],
  requestPolicy: 'network-only',
  preferGetMethod: false,
  fetchOptions: () => {
    const token = session.token();
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    return { headers };
  },
});

// ApiError is a refusal of the whole operation: its code is extensions.code (or a transport
// failure's), shown to the user as a sentence of the catalogue.
export class ApiError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

function toApiError(err: CombinedError): ApiError {
  const g = err.graphQLErrors[0];
  if (g) return new ApiError(String(g.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), g.message);
  const status = (err.response as Response | undefined)?.status;
  if (status === 401) return new ApiError('UNAUTHENTICATED', err.message);
  if (status === 429) return new ApiError('RATE_LIMITED', err.message);
  return new ApiError('NETWORK', err.message);
}

export async function query<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  const res = await client.query(doc, variables).toPromise();
  if (res.error) throw toApiError(res.error);
  return res.data as D;
}

// mutate sends a write with an Idempotency-Key of its own, so that a write the network cut
// after the server committed it is not made twice when the browser or a proxy sends it again.
export async function mutate<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  const key = crypto.randomUUID();
  const res = await client.mutation(doc, variables, {
    fetchOptions: () => {
      const token = session.token();
      const headers: Record<string, string> = { 'Idempotency-Key': key };
      if (token) headers.Authorization = `Bearer ${token}`;
      return { headers };
    },
  }).toPromise();
  if (res.error) throw toApiError(res.error);
  return res.data as D;
}

export interface UserError { field: string[]; message: string; code: string }
