using McpServers.Database.Options;
using MySqlConnector;

namespace McpServers.Database.Tests.Options;

public sealed class MySqlConnectionTests
{
    [Theory]
    [InlineData("mysql://reader:p%40ss@db.internal:3307/sales")]
    [InlineData("mariadb://reader:p%40ss@db.internal:3307/sales")]
    [InlineData("MySQL://reader:p%40ss@db.internal:3307/sales")]
    public void Uri_SelectsMySql_AndDescribeNamesHostAndDatabaseOnly(string url)
    {
        DatabaseConnection connection = ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = url });

        Assert.Equal(DatabaseBackendKind.MySql, connection.Kind);
        var builder = new MySqlConnectionStringBuilder(connection.MySqlConnectionString!);
        Assert.Equal(("db.internal", 3307u, "sales", "reader", "p@ss"), (builder.Server, builder.Port, builder.Database, builder.UserID, builder.Password));
        Assert.Equal("mysql:db.internal/sales", connection.Describe());
        Assert.DoesNotContain("p@ss", connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("reader", connection.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void KeywordString_IsPostgreSql_UnlessProviderSaysMySql()
    {
        const string keywords = "Server=db.internal;Database=sales;User ID=reader";

        Assert.Equal(DatabaseBackendKind.PostgreSql, ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = keywords }).Kind);
        Assert.Equal(DatabaseBackendKind.MySql, ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = keywords, Provider = "mysql" }).Kind);
        Assert.Equal(DatabaseBackendKind.MySql, ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = keywords, Provider = "MariaDB" }).Kind);
    }

    [Theory]
    [InlineData("postgres://u@h/db", "mysql")]
    [InlineData("mysql://u@h/db", "postgresql")]
    public void ProviderContradictingTheScheme_IsRefused(string url, string provider)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = url, Provider = provider }));

        Assert.Contains("Provider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownProvider_IsAValidationError()
    {
        IReadOnlyList<string> problems = DatabaseOptionsValidator.Check(new DatabaseOptions { ConnectionString = "mysql://u@h/db", Provider = "oracle" });

        Assert.Contains(problems, p => p.Contains("`Provider`", StringComparison.Ordinal));
    }

    [Fact]
    public void PasswordSetting_PoolCap_AndLocalInfile_AreApplied()
    {
        DatabaseConnection connection = ConnectionResolver.Resolve(new DatabaseOptions
        {
            ConnectionString = "Server=h;Database=d;User ID=u;AllowLoadLocalInfile=true;Maximum Pool Size=100",
            Provider = "mysql",
            Password = "from-setting",
        });

        var builder = new MySqlConnectionStringBuilder(connection.MySqlConnectionString!);
        Assert.Equal("from-setting", builder.Password);
        Assert.Equal((uint)DatabaseOptions.DefaultMaxPoolSize, builder.MaximumPoolSize);
        Assert.False(builder.AllowLoadLocalInfile);
        Assert.Equal(4u, new MySqlConnectionStringBuilder(ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = "mysql://u@h/d", MaxPoolSize = 4 }).MySqlConnectionString!).MaximumPoolSize);
    }

    [Theory]
    [InlineData("mysql://u@h", "must name a database")]
    [InlineData("mysql://u@h/d?charset=latin1", "not supported")]
    [InlineData("mysql://u@h/d?sslmode=maybe", "sslmode")]
    public void BadUris_AreRefusedWithoutEchoingSecrets(string url, string expected)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ConnectionResolver.Resolve(new DatabaseOptions { ConnectionString = url }));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
