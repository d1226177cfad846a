using McpServers.Shared.Errors;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing.Tests.Backend;

public sealed class JqlTests
{
    private static readonly string[] Allowed = ["OPS", "WEB"];

    [Fact]
    public void EmptyFilter_IsOnlyTheAllowlistAndTheOrder() =>
        Assert.Equal("project in (\"OPS\", \"WEB\") ORDER BY updated DESC", Jql.Build(new IssueFilter(), Allowed));

    [Theory]
    [InlineData("\" OR project = HR", "\"\\\" OR project = HR\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("\\\" OR 1=1 OR \"", "\"\\\\\\\" OR 1=1 OR \\\"\"")]
    [InlineData("AND", "\"AND\"")]
    [InlineData("ORDER BY key", "\"ORDER BY key\"")]
    [InlineData("currentUser()", "\"currentUser()\"")]
    public void Values_AreQuotedAndEscaped_SoInjectionStaysInsideTheLiteral(string status, string expectedLiteral)
    {
        string jql = Jql.Build(new IssueFilter { Statuses = [status] }, Allowed);

        Assert.Equal($"project in (\"OPS\", \"WEB\") AND (status in ({expectedLiteral})) ORDER BY updated DESC", jql);
    }

    [Theory]
    [InlineData("In Progress\nOR project = HR")]
    [InlineData("a\rb")]
    [InlineData("tab\there")]
    public void Values_WithLineBreaksOrControlCharacters_AreRefused(string status) =>
        Assert.Throws<ToolInputException>(() => Jql.Build(new IssueFilter { Statuses = [status] }, Allowed));

    [Fact]
    public void Projects_OutsideTheAllowlist_AreRefused()
    {
        var e = Assert.Throws<ToolInputException>(() => Jql.Build(new IssueFilter { Projects = ["HR"] }, Allowed));
        Assert.Contains("OPS, WEB", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCondition_IsAndedInsideParenthesesAfterTheAllowlist()
    {
        var filter = new IssueFilter
        {
            Projects = ["OPS"],
            StatusCategory = StatusCategory.InProgress,
            Assignee = "me",
            Reporter = "acc-1",
            Types = ["Bug"],
            Priorities = ["High"],
            Labels = ["release-1.2"],
            Text = "checkout \"fails\" OR (x)*",
            CreatedFrom = new DateOnly(2026, 1, 1),
            UpdatedBefore = new DateOnly(2026, 2, 1),
            OrderBy = IssueOrder.Priority,
            Ascending = true,
        };

        Assert.Equal(
            "project in (\"OPS\", \"WEB\") AND (project in (\"OPS\") AND statusCategory = \"In Progress\" AND assignee = currentUser() " +
            "AND reporter = \"acc-1\" AND issuetype in (\"Bug\") AND priority in (\"High\") AND labels in (\"release-1.2\") " +
            "AND text ~ \"checkout fails OR x\" AND created >= \"2026-01-01\" AND updated < \"2026-02-01\") ORDER BY priority ASC",
            Jql.Build(filter, Allowed));
    }

    [Fact]
    public void Unassigned_IsEmptyNotALiteral() =>
        Assert.Contains("assignee is EMPTY", Jql.Build(new IssueFilter { Assignee = "unassigned" }, Allowed), StringComparison.Ordinal);

    [Fact]
    public void Text_OfOnlyLuceneOperators_IsRefused() =>
        Assert.Throws<ToolInputException>(() => Jql.Build(new IssueFilter { Text = "*?~" }, Allowed));

    [Theory]
    [InlineData("OPS-1", true)]
    [InlineData("OPS_2-10", true)]
    [InlineData("ops-1", false)]
    [InlineData("OPS-1 OR x", false)]
    [InlineData("1OPS-1", false)]
    public void IssueKey_Parse_FollowsTheJiraFormat(string text, bool valid)
    {
        if (valid)
        {
            Assert.Equal(text, IssueKey.Parse(text).Value);
        }
        else
        {
            Assert.Throws<ToolInputException>(() => IssueKey.Parse(text));
        }
    }

    [Theory]
    [InlineData("fixVersion = \"1.2\" AND sprint in openSprints()")]
    [InlineData("summary ~ \"a) OR (project = HR\"")]
    [InlineData("summary ~ 'order by'")]
    [InlineData("labels = recorder AND labels = \"x\\\"y\"")]
    public void RawCondition_IsWrappedInsideTheAllowlist(string condition) =>
        Assert.Equal($"project in (\"OPS\", \"WEB\") AND ({condition}) ORDER BY created ASC",
            Jql.WithRawCondition(condition, Allowed, IssueOrder.Created, ascending: true));

    [Theory]
    [InlineData("status = Open) OR (project = HR")]
    [InlineData("status = Open) OR project = HR OR (status = Open")]
    [InlineData("status = Open ORDER BY key")]
    [InlineData("status = Open order\nby key")]
    [InlineData("summary ~ \"unterminated")]
    [InlineData("(status = Open")]
    [InlineData("   ")]
    public void RawCondition_ThatCouldEscapeTheAllowlistOrReorder_IsRefused(string condition) =>
        Assert.Throws<ToolInputException>(() => Jql.WithRawCondition(condition, Allowed, IssueOrder.Updated, ascending: false));
}
