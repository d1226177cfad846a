using McpServers.Database.Backend;
using McpServers.Database.Options;
using McpServers.Shared.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace McpServers.Database.Tests.Options;

public sealed class DatabaseOptionsTests
{
    /// <summary>The options as the server reads and checks them at start.</summary>
    private static DatabaseOptions Read(IConfiguration configuration)
    {
        using ServiceProvider services = new ServiceCollection().AddDatabaseOptions(configuration).BuildServiceProvider();
        return services.GetRequiredService<DatabaseOptions>();
    }

    [Fact]
    public void Options_Defaults_AreSafe()
    {
        DatabaseOptions options = Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Demo"] = "true" }).Build());

        Assert.Equal(100, options.DefaultRowLimit);
        Assert.Equal(1000, options.MaxRowLimit);
        Assert.Equal(TimeSpan.FromSeconds(15), options.StatementTimeout);
        Assert.Equal(100_000, options.MaxQueryCost);
        Assert.Contains("*password*", options.DeniedColumns);
        Assert.Empty(DatabaseOptionsValidator.Check(options));
    }

    [Fact]
    public void Options_BindRootKeys_FromEnvironmentWithPrefix()
    {
        string key = DatabaseOptions.EnvironmentPrefix + "DeniedTables";
        Environment.SetEnvironmentVariable(key, "hr.*, audit_*");
        try
        {
            IConfiguration configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionString"] = "Host=db;Database=sales",
                    ["AllowedSchemas:0"] = "public",
                    ["AllowedSchemas:1"] = "reporting",
                    ["StatementTimeout"] = "5",
                    ["LockTimeout"] = "00:00:01",
                    ["MaxRowLimit"] = "500",
                    ["RequireReadOnlyRole"] = "true",
                })
                .AddEnvironmentVariables(DatabaseOptions.EnvironmentPrefix)
                .Build();

            DatabaseOptions options = Read(configuration);

            Assert.Equal("Host=db;Database=sales", options.ConnectionString);
            Assert.Equal(["public", "reporting"], options.AllowedSchemas);
            Assert.Equal(["hr.*", "audit_*"], options.DeniedTables);
            Assert.Equal(TimeSpan.FromSeconds(5), options.StatementTimeout);
            Assert.Equal(TimeSpan.FromSeconds(1), options.LockTimeout);
            Assert.Equal(500, options.MaxRowLimit);
            Assert.True(options.RequireReadOnlyRole);
        }
        finally
        {
            Environment.SetEnvironmentVariable(key, null);
        }
    }

    [Fact]
    public void ToString_NeverPrintsTheConnectionString()
    {
        var options = new DatabaseOptions { ConnectionString = "Host=db;Password=hunter2" };

        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
        Assert.Contains("***", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_BadValue_NamesTheSetting()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MaxRowLimit"] = "lots" }).Build();

        var ex = Assert.Throws<ConfigurationException>(() => Read(configuration));

        Assert.Contains("MaxRowLimit must be a whole number", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DefaultRowLimit")]
    [InlineData("MaxCellChars")]
    [InlineData("LockTimeout")]
    [InlineData("ConnectionString")]
    [InlineData("AllowedSchemas")]
    public void Validator_MessagesNameTheSetting(string setting)
    {
        DatabaseOptions options = setting switch
        {
            "DefaultRowLimit" => new DatabaseOptions { DefaultRowLimit = 5000 },
            "MaxCellChars" => new DatabaseOptions { MaxCellChars = 1 },
            "LockTimeout" => new DatabaseOptions { LockTimeout = TimeSpan.FromMinutes(5) },
            "ConnectionString" => new DatabaseOptions { Demo = true, ConnectionString = "Host=x" },
            _ => new DatabaseOptions { AllowedSchemas = ["*"] },
        };

        IReadOnlyList<string> errors = DatabaseOptionsValidator.Check(options);

        Assert.Contains(errors, e => e.Contains($"`{setting}`", StringComparison.Ordinal));
        Assert.True(new DatabaseOptionsValidator().Validate(null, options).Failed);
    }

    [Fact]
    public void Resolve_DatabaseUrl_BecomesNpgsqlKeywords()
    {
        const string url = "postgresql://rep%40corp:p%3Ass@db.internal:6543/sales?sslmode=verify-full&sslrootcert=/etc/ca.pem&application_name=claude";

        DatabaseConnection connection = ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = url });

        var builder = new NpgsqlConnectionStringBuilder(connection.PostgresConnectionString);
        Assert.Equal(DatabaseBackendKind.PostgreSql, connection.Kind);
        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("sales", builder.Database);
        Assert.Equal("rep@corp", builder.Username);
        Assert.Equal("p:ss", builder.Password);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("/etc/ca.pem", builder.RootCertificate);
        Assert.Equal("claude", builder.ApplicationName);
        Assert.DoesNotContain("p:ss", connection.Describe(), StringComparison.Ordinal);
        Assert.Equal("postgresql:db.internal/sales", connection.ToString());
    }

    [Fact]
    public void Resolve_PasswordSetting_FillsAConnectionStringWithoutOne()
    {
        // PGPASSWORD and PGPASSWORD_FILE reach `Password` through the shared configuration (an environment alias).
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionString"] = "Host=db;Username=reader;Database=sales",
            ["Password"] = "s3cret",
        }).Build();

        DatabaseOptions options = Read(configuration);
        var builder = new NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(options).PostgresConnectionString);

        Assert.Equal("s3cret", builder.Password);
        Assert.Equal("mcp-database", builder.ApplicationName);
        Assert.DoesNotContain("s3cret", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_PasswordInTheConnectionString_Wins()
    {
        var options = new DatabaseOptions { ConnectionString = "postgres://u:inline@h/d", Password = "other" };

        Assert.Equal("inline", new NpgsqlConnectionStringBuilder(ConnectionResolver.Resolve(options).PostgresConnectionString).Password);
    }

    [Theory]
    [InlineData("postgres://h/d?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://h/d?target_session_attrs=any", "not supported")]
    public void Resolve_BadUri_NamesTheProblemWithoutEchoingSecrets(string url, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = url }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NothingConfigured_SaysWhatToSet()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ConnectionResolver.Resolve(new DatabaseOptions()));

        Assert.Contains("DATABASE_URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Demo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Factory_PicksTheBackend_WithoutConnecting()
    {
        await using IDatabaseGateway demo = DatabaseGatewayFactory.Create(new DatabaseOptions { Demo = true });
        await using IDatabaseGateway postgres = DatabaseGatewayFactory.Create(new DatabaseOptions { ConnectionString = "postgres://nobody@192.0.2.1/nowhere" });

        Assert.IsType<SqliteGateway>(demo);
        Assert.IsType<PostgresGateway>(postgres);
    }
}
