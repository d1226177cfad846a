using System.ComponentModel;
using System.Globalization;
using System.Text;
using McpServers.Shared.Pipeline;
using McpServers.Shared.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Communication.Slack.Tools;

public sealed class ListChannelsTool(SlackGateway slack, ServerJson json)
{
    [McpServerTool(Name = "slack_list_channels", Title = "List Slack channels", ReadOnly = true, Destructive = false, Idempotent = true,
        OpenWorld = true, UseStructuredContent = true, OutputSchemaType = typeof(Output))]
    [Description("Lists the Slack channels the administrator allows (the only ones the slack_* tools can read or post to): id, #name, topic, purpose, member count, private or archived.")]
    public async Task<CallToolResult> ListChannels(CancellationToken cancellationToken = default)
    {
        ChannelMap map = await slack.Directory.ChannelsAsync(refresh: true, cancellationToken);
        List<Channel> channels = [.. map.Allowed.Select(c => new Channel(c.Id, c.Name is null ? null : "#" + c.Name, Clean(c.Info?.Topic?.Value),
            Clean(c.Info?.Purpose?.Value), c.Info?.NumMembers, c.Info?.IsPrivate ?? false, c.Info?.IsArchived ?? false, c.Info is not null))];
        var text = new StringBuilder();
        foreach (Channel c in channels)
        {
            text.Append(c.Name ?? c.Id).Append(" (").Append(c.Id).Append(')');
            text.Append(c.Members is { } n ? string.Create(CultureInfo.InvariantCulture, $", {n} members") : "");
            text.Append(c.IsPrivate ? ", private" : "").Append(c.IsArchived ? ", archived" : "").Append(c.Visible ? "" : ", not visible to the token");
            if (c.Topic is { Length: > 0 } topic)
            {
                text.Append("\n    topic: ").Append(topic);
            }

            if (c.Purpose is { Length: > 0 } purpose)
            {
                text.Append("\n    purpose: ").Append(purpose);
            }

            text.Append('\n');
        }

        text.Append(channels.Count == 0
            ? "No allowed channel is visible to the Slack token; an administrator should check Slack:Channels and invite the app."
            : string.Create(CultureInfo.InvariantCulture, $"({channels.Count} allowed channel{(channels.Count == 1 ? "" : "s")})"));
        return ToolResult.Create(new Output(channels, channels.Count), text.ToString(), json);
    }

    private static string? Clean(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : TextHygiene.CleanAndTruncate(value, 500).ReplaceLineEndings(" ");

    /// <summary>One allowed channel; <see cref="Visible"/> is false when the token cannot see it (its other fields are then unknown).</summary>
    public sealed record Channel(string Id, string? Name, string? Topic, string? Purpose, int? Members, bool IsPrivate, bool IsArchived, bool Visible);

    public sealed record Output(IReadOnlyList<Channel> Channels, int Count);
}
