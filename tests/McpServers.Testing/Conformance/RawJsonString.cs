using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace McpServers.Testing.Conformance;

/// <summary>
/// A JSON string written exactly as spelled, escapes included, for text a .NET string or JsonElement cannot carry
/// through serialization: a lone surrogate (<c>"\ud800x"</c>) is valid JSON text that System.Text.Json refuses to
/// write, so a well-behaved client can never send it, but a client we did not write can.
/// </summary>
public static class RawJsonString
{
    private static readonly JsonTypeInfo<Raw> Info =
        JsonMetadataServices.CreateValueInfo<Raw>(new JsonSerializerOptions { TypeInfoResolver = JsonTypeInfoResolver.Combine() }, new RawConverter());

    /// <param name="json">The complete JSON string literal, quotes included (e.g. <c>"\"\\ud800x\""</c>).</param>
    public static JsonNode Create(string json) => JsonValue.Create(new Raw(json), Info)!;

    // A type of its own: a plain string would be written by System.Text.Json's built-in string path, escaping it.
    private sealed record Raw(string Json);

    private sealed class RawConverter : JsonConverter<Raw>
    {
        public override Raw Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Write-only.");

        public override void Write(Utf8JsonWriter writer, Raw value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Json, skipInputValidation: true);
    }
}
