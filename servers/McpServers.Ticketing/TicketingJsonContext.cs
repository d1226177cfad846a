using System.Text.Json;
using System.Text.Json.Serialization;
using McpServers.Ticketing.Backend;

namespace McpServers.Ticketing;

/// <summary>Source-generated JSON for every type the tools take or return (NativeAOT has no reflection JSON).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SearchPage))]
[JsonSerializable(typeof(IssueDetail))]
[JsonSerializable(typeof(ProjectList))]
[JsonSerializable(typeof(TransitionList))]
[JsonSerializable(typeof(WriteResult))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(bool?))]
internal sealed partial class TicketingJsonContext : JsonSerializerContext;
