using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Communication.Slack.Tools;

namespace McpServers.Communication.Slack;

/// <summary>
/// The Slack tools' outputs (NativeAOT has no reflection JSON), with the options of <see cref="CommunicationServer.JsonContext"/>.
/// A context of its own, listed in the server's ServerJson: the source generator fails when [JsonSerializable] attributes sit
/// on more than one partial declaration of one context (dotnet/runtime#99669, "hintName … must be unique").
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ListChannelsTool.Output), TypeInfoPropertyName = "SlackListChannelsOutput")]
[JsonSerializable(typeof(ReadChannelTool.Output), TypeInfoPropertyName = "SlackReadChannelOutput")]
[JsonSerializable(typeof(GetThreadTool.Output), TypeInfoPropertyName = "SlackGetThreadOutput")]
[JsonSerializable(typeof(SearchTool.Output), TypeInfoPropertyName = "SlackSearchOutput")]
[JsonSerializable(typeof(PostOutput), TypeInfoPropertyName = "SlackPostOutput")]
internal sealed partial class SlackOutputJsonContext : JsonSerializerContext;
