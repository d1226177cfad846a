using System.ComponentModel;
using McpServers.Ticketing.Backend;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Ticketing.Tools;

public sealed class ListProjectsTool(IJiraGateway gateway)
{
    [McpServerTool(Name = "jira_list_projects", Title = "List projects", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(ProjectList))]
    [Description("Lists the Jira projects this server may use (the administrator's allowlist) that the configured account can see, with key, name and type.")]
    public async Task<CallToolResult> ListProjects(CancellationToken cancellationToken = default) =>
        ResultFormat.Projects(await gateway.ListProjectsAsync(cancellationToken));
}
