using System.Text;
using System.Text.Json;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing.Tests.Backend;

/// <summary>
/// Reading Jira's answers costs one pass over the bytes: related issues are read as flat references, and a display
/// field of an odd type is skipped without copying it.
/// </summary>
public sealed class JiraDtoTests
{
    /// <summary>An issue whose parent has a parent, <paramref name="depth"/> deep, with a large summary at the bottom.</summary>
    internal static string ParentChain(int depth, string bottomSummary)
    {
        var json = new StringBuilder();
        for (int i = 0; i < depth; i++)
        {
            json.Append("{\"key\":\"OPS-").Append(i + 1).Append("\",\"fields\":{\"summary\":\"Level ").Append(i)
                .Append("\",\"status\":{\"name\":\"Open ").Append(i).Append("\"},\"project\":{\"key\":\"OPS\"},\"parent\":");
        }

        json.Append("{\"key\":\"OPS-999\",\"fields\":{\"summary\":\"").Append(bottomSummary).Append("\"}}");
        for (int i = 0; i < depth; i++)
        {
            json.Append("}}");
        }

        return json.ToString();
    }

    [Fact]
    public void DeepParentChain_IsReadOnce_NotCopiedPerLevel()
    {
        byte[] body = Encoding.UTF8.GetBytes(ParentChain(25, new string('x', 1_000_000)));
        _ = JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(ParentChain(2, "warm")), JiraJsonContext.Default.JiraIssue);

        long before = GC.GetAllocatedBytesForCurrentThread();
        JiraIssue? issue = JsonSerializer.Deserialize(body, JiraJsonContext.Default.JiraIssue);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(issue);
        Assert.Equal("OPS-1", issue.Key);
        Assert.Equal("Level 0", issue.Fields?.Summary);
        Assert.Equal("OPS-2", issue.Fields?.Parent?.Key);
        Assert.Equal("Level 1", issue.Fields?.Parent?.Fields?.Summary);
        Assert.Equal("Open 1", issue.Fields?.Parent?.Fields?.Status?.Name);

        // Copying the subtree at every level allocated about 25 times the body; one pass allocates far less than it.
        Assert.True(allocated < body.Length, $"reading a {body.Length}-byte answer allocated {allocated} bytes");
    }

    [Fact]
    public void OddTypedFields_AreDropped_AndTheRestIsRead()
    {
        const string Json = """
            {"key":"OPS-1","fields":{"summary":{"nested":[1,{"a":2}]},"status":{"name":42},"labels":[1,2],"priority":"High",
             "parent":{"key":["x"],"fields":{"summary":"Parent","status":"odd"}},
             "subtasks":{"not":"a list"},
             "issuelinks":[{"type":{"inward":"is blocked by"},"inwardIssue":{"key":"OPS-3","fields":7}}],
             "updated":"2024-01-01","project":{"key":"OPS"}}}
            """;

        JiraIssue? issue = JsonSerializer.Deserialize(Json, JiraJsonContext.Default.JiraIssue);

        Assert.NotNull(issue?.Fields);
        JiraFields f = issue.Fields;
        Assert.Null(f.Summary);
        Assert.Null(f.Status);
        Assert.Null(f.Labels);
        Assert.Null(f.Priority);
        Assert.Null(f.Subtasks);
        Assert.Null(f.Parent?.Key);
        Assert.Equal("Parent", f.Parent?.Fields?.Summary);
        Assert.Null(f.Parent?.Fields?.Status);
        Assert.Equal("OPS-3", Assert.Single(f.IssueLinks!).InwardIssue?.Key);
        Assert.Null(f.IssueLinks![0].InwardIssue?.Fields);
        Assert.Equal("2024-01-01", f.Updated);
        Assert.Equal("OPS", f.Project?.Key);
    }
}
