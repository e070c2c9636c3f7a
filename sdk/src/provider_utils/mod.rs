//! Building blocks that providers share: API keys, HTTP calls with error mapping, SSE and JSON
//! event streams.
