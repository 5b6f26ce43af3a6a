// GraphiQL for developers, bundled with the app so that it loads without a CDN. Snodo serves it
// at /graphiql only while introspection is on (development mode). Sign in through the headers
// tab: {"Authorization": "Bearer <token from `snodo token`>"}.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import 'graphiql/graphiql.css';
import './graphiql.css';

const fetcher = createGraphiQLFetcher({ url: '/graphql' });
const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(createElement(GraphiQL, { fetcher }));
}
