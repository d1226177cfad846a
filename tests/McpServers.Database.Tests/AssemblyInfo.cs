using McpServers.Testing.MariaDb;
using McpServers.Testing.Postgres;

// One throwaway PostgreSQL cluster for the whole assembly; each test class clones its own database from a template.
[assembly: AssemblyFixture(typeof(PostgresServer))]

// One throwaway MariaDB server for the whole assembly; the demo databases are loaded once and shared (the gateway only reads).
[assembly: AssemblyFixture(typeof(MariaDbServer))]
