using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Communication.Calendar.Tools;

namespace McpServers.Communication.Calendar;

/// <summary>
/// The calendar tools' output types for JSON (NativeAOT has no reflection JSON), chained into the server's
/// <see cref="Shared.Pipeline.ServerJson"/>. A context of its own: the source generator runs once per declaration that
/// carries [JsonSerializable], so the types cannot be added to a partial declaration of the server's context.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SendInvitationTool.Output), TypeInfoPropertyName = "CalendarSendInvitationOutput")]
[JsonSerializable(typeof(UpdateInvitationTool.Output), TypeInfoPropertyName = "CalendarUpdateInvitationOutput")]
[JsonSerializable(typeof(CancelInvitationTool.Output), TypeInfoPropertyName = "CalendarCancelInvitationOutput")]
[JsonSerializable(typeof(ListInvitationsTool.Output), TypeInfoPropertyName = "CalendarListInvitationsOutput")]
internal sealed partial class CalendarJsonContext : JsonSerializerContext;
