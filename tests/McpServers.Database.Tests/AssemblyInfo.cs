using McpServers.Testing.Postgres;

// One throwaway PostgreSQL cluster for the whole assembly; each test class clones its own database from a template.
[assembly: AssemblyFixture(typeof(PostgresServer))]
