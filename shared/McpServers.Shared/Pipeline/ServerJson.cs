using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// The JSON options tools are created with: the server's source-generated contexts chained in front of the SDK's,
/// so every parameter and result type has metadata under NativeAOT (reflection JSON is off there). Tool input and
/// output use snake_case names suite-wide; serialise structured results with <see cref="Options"/> so they match the
/// advertised outputSchema exactly.
/// </summary>
public sealed class ServerJson
{
    public ServerJson(params IJsonTypeInfoResolver[] resolvers)
    {
        ArgumentNullException.ThrowIfNull(resolvers);
        // Non-nullable properties are advertised (and bound) as non-nullable: a null where a value is required is
        // refused by validation instead of reaching a tool as a surprise.
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions)
        {
            RespectNullableAnnotations = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            // Nullable result fields are advertised as required: write them (as null) so results match outputSchema.
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        };
        for (int i = resolvers.Length - 1; i >= 0; i--)
        {
            options.TypeInfoResolverChain.Insert(0, resolvers[i]);
        }

        options.MakeReadOnly();
        Options = options;
    }

    public JsonSerializerOptions Options { get; }
}
