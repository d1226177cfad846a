using System.ComponentModel;
using McpServers.Shared.Pipeline;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools.Jira;

/// <summary>The gateway's <see cref="ProjectList"/> is the structured content.</summary>
public sealed class ListProjectsTool(IJiraGateway gateway, ServerJson json)
{
    [McpServerTool(Name = "jira_list_projects", Title = "List projects", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(ProjectList))]
    [Description("Lists the Jira projects this server may use (the administrator's allowlist) that the configured account can see, with key, name and type.")]
    public async Task<CallToolResult> ListProjects(CancellationToken cancellationToken = default)
    {
        ProjectList list = await gateway.ListProjectsAsync(cancellationToken);
        string text = list.Projects.Count == 0
            ? "None of the allowed projects is visible to the configured Jira account."
            : string.Join('\n', list.Projects.Select(p => $"{p.Key}: {p.Name} ({p.Type})"));
        return ToolResult.Create(list, text, json);
    }
}
