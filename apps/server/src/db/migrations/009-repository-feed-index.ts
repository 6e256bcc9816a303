// The changes feed filtered to some repositories (a browser keeps only those offline) walks
// each repository's rows in server_version order, from the checkpoint: that needs an index on
// (repository_id, server_version). The existing (repository_id, sort_order, id) indexes give
// list order, not feed order. Repositories themselves are found by primary key.
export const repositoryFeedIndexSchema = `
CREATE INDEX tasks_repository_version ON tasks(repository_id, server_version);
CREATE INDEX documents_repository_version ON documents(repository_id, server_version);
`;
