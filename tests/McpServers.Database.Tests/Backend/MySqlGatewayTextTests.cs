using McpServers.Database.Backend;
using McpServers.Shared.Errors;

namespace McpServers.Database.Tests.Backend;

/// <summary>The MySQL gateway's text helpers, without a server: the one-statement backstop and the plan readers.</summary>
public sealed class MySqlGatewayTextTests
{
    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("SELECT ';' AS a, \";\" AS b, `;` AS c")]
    [InlineData("SELECT 'it''s; fine', 'back\\'slash; still inside'")]
    [InlineData("SELECT 1 -- a comment; with a semicolon\n")]
    [InlineData("SELECT 1 # a comment; with a semicolon\n")]
    [InlineData("SELECT 1 /* a comment; with a semicolon */")]
    [InlineData("SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1")]
    public void EnsureSingleStatement_AcceptsOneStatement(string sql) => MySqlGateway.EnsureSingleStatement(sql);

    [Theory]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("SELECT 1;")]
    [InlineData("SELECT 'a\\''; DELETE FROM t")]
    [InlineData("SELECT 1 /*!99999 ; DELETE FROM t */")]
    [InlineData("SELECT 1 /*M!100000 ; DELETE FROM t */")]
    [InlineData("SELECT 1 --; DELETE FROM t")]
    [InlineData("SELECT 1 /* unterminated */ ; DELETE FROM t")]
    public void EnsureSingleStatement_RefusesASecondStatementOrExecutableComment(string sql)
    {
        var ex = Assert.Throws<BackendException>(() => MySqlGateway.EnsureSingleStatement(sql));

        Assert.Equal(BackendErrorKind.Invalid, ex.Kind);
    }

    [Fact]
    public void RowsMeasure_MultipliesAlongANestedLoop_AndAddsIndependentBlocks()
    {
        const string plan = """
            {"query_block": {"select_id": 1, "nested_loop": [
              {"table": {"table_name": "a", "rows": 100}},
              {"table": {"table_name": "b", "rows": 20}}],
             "subqueries": [{"query_block": {"select_id": 2, "nested_loop": [{"table": {"table_name": "c", "rows": 7}}]}}]}}
            """;

        Assert.Equal(2007, MySqlGateway.RowsMeasure(plan));
    }

    [Fact]
    public void RowsMeasure_ReadsMariaDbPlansWithNonJsonEscapes()
    {
        const string plan = """{"query_block": {"nested_loop": [{"table": {"table_name": "t", "rows": 3, "attached_condition": "t.a = 'x\'y' and t.b = '\\'"}}]}}""";

        Assert.Equal(3, MySqlGateway.RowsMeasure(plan));
    }

    [Fact]
    public void QueryCost_ReadsMySqlTotalCost()
    {
        Assert.Equal(1234.5, MySqlGateway.QueryCost("""{"query_block": {"select_id": 1, "cost_info": {"query_cost": "1234.50"}}}"""));
    }
}
