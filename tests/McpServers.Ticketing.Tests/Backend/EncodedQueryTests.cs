using McpServers.Shared.Errors;
using McpServers.Ticketing.Backend.ServiceNow;

namespace McpServers.Ticketing.Tests.Backend;

/// <summary>The only writer of ServiceNow encoded queries: structured conditions in, and nothing a value holds can start another condition.</summary>
public sealed class EncodedQueryTests
{
    private static readonly string[] Fields = ["sys_id", "number", "short_description", "priority", "state", "assignment_group", "sys_updated_on"];

    [Fact]
    public void Conditions_AreJoinedInOrder_WithTheKeywordSearchAndTheOrder()
    {
        string query = EncodedQuery.Build(
            [new("priority", "equals", "1"), new("state", "in", "New, In Progress"), new("short_description", "contains", "VPN"), new("assignment_group", "is_not_empty")],
            "berlin office", Fields, "sys_updated_on", descending: true);

        Assert.Equal("priority=1^stateINNew,In Progress^short_descriptionLIKEVPN^assignment_groupISNOTEMPTY^123TEXTQUERY321=berlin office^ORDERBYDESCsys_updated_on", query);
    }

    [Theory]
    [InlineData("equals", "=")]
    [InlineData("not_equals", "!=")]
    [InlineData("starts_with", "STARTSWITH")]
    [InlineData("greater_than", ">")]
    [InlineData("at_least", ">=")]
    [InlineData("less_than", "<")]
    [InlineData("at_most", "<=")]
    public void EachOperator_HasServiceNowsSpelling(string name, string spelled) =>
        Assert.Equal("sys_updated_on" + spelled + "2026-11-01 00:00:00", EncodedQuery.Build([new("sys_updated_on", name, "2026-11-01 00:00:00")], null, Fields));

    [Theory]
    [InlineData("1^ORpriority=5")]
    [InlineData("1^NQactive=false")]
    [InlineData("1^priority!=1")]
    [InlineData("^")]
    public void ACaret_InAnyValue_IsRefused_BecauseItCannotBeEscaped(string value)
    {
        foreach (SnowFilter filter in new SnowFilter[] { new("priority", "equals", value), new("short_description", "contains", value), new("state", "in", "New," + value) })
        {
            var e = Assert.Throws<ToolInputException>(() => EncodedQuery.Build([filter], null, Fields));
            Assert.Contains("'^'", e.Message, StringComparison.Ordinal);
        }

        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([], value, Fields));
    }

    [Theory]
    [InlineData("javascript:gs.getUserID()")]
    [InlineData("JavaScript:gs.sleep(100000)")]
    [InlineData("x java script : gs.log(1)")]
    [InlineData("  javascript:new GlideRecord('sys_user').deleteMultiple()")]
    public void AScript_InAnyValue_IsRefused(string value)
    {
        Assert.Contains("javascript:", Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("assignment_group", "equals", value)], null, Fields)).Message, StringComparison.Ordinal);
        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("state", "in", "New," + value)], null, Fields));
        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([], value, Fields));
    }

    [Theory]
    [InlineData("VPN\nactive=false")]
    [InlineData("VPN\r")]
    [InlineData("VPN\u0000")]
    public void ControlCharacters_AreRefused(string value) =>
        Assert.Contains("control", Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("short_description", "contains", value)], null, Fields)).Message, StringComparison.Ordinal);

    [Fact]
    public void AnEqualsSign_InsideAValue_StaysPartOfIt() =>
        Assert.Equal("short_descriptionLIKEa=b", EncodedQuery.Build([new("short_description", "contains", "a=b")], null, Fields));

    [Theory]
    [InlineData("sys_class_name")]
    [InlineData("priority^ORactive")]
    [InlineData("caller_id.name")]
    [InlineData("PRIORITY")]
    public void FieldsOutsideTheAllowlist_AreRefused_NamingTheAllowedOnes(string field)
    {
        Assert.Contains("short_description", Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new(field, "equals", "1")], null, Fields)).Message, StringComparison.Ordinal);
        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([], null, Fields, orderBy: field));
    }

    [Theory]
    [InlineData("=")]
    [InlineData("LIKE")]
    [InlineData("BETWEEN")]
    [InlineData("equals^OR")]
    public void OperatorsOutsideTheFixedSet_AreRefused(string op) =>
        Assert.Contains("is_not_empty", Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("priority", op, "1")], null, Fields)).Message, StringComparison.Ordinal);

    [Fact]
    public void AValueIsRequired_ExceptForTheEmptinessOperators()
    {
        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("priority", "equals", null)], null, Fields));
        Assert.Throws<ToolInputException>(() => EncodedQuery.Build([new("priority", "in", " , ")], null, Fields));
        Assert.Equal("priorityISEMPTY", EncodedQuery.Build([new("priority", "is_empty", "ignored^ORx")], null, Fields));
    }
}
