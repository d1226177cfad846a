using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Communication.Email.Tools;

namespace McpServers.Communication.Email;

/// <summary>
/// The e-mail tools' outputs, for NativeAOT. A context of its own, chained into the server's <c>ServerJson</c>: the JSON
/// source generator runs once per attributed partial declaration, so several parts adding <c>[JsonSerializable]</c> to
/// one partial context generate its files twice and fail to build.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SearchTool.Output), TypeInfoPropertyName = "EmailSearchOutput")]
[JsonSerializable(typeof(GetMessageTool.Output), TypeInfoPropertyName = "EmailGetMessageOutput")]
[JsonSerializable(typeof(GetThreadTool.Output), TypeInfoPropertyName = "EmailGetThreadOutput")]
[JsonSerializable(typeof(SendTool.Output), TypeInfoPropertyName = "EmailSendOutput")]
[JsonSerializable(typeof(ReplyTool.Output), TypeInfoPropertyName = "EmailReplyOutput")]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(int?))]
internal sealed partial class EmailJsonContext : JsonSerializerContext;
