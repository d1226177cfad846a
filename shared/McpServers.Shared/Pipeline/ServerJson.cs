using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// The JSON options tools are created with: the server's source-generated contexts chained in front of the SDK's,
/// so every parameter and result type has metadata under NativeAOT (reflection JSON is off there).
/// </summary>
public sealed class ServerJson
{
    public ServerJson(params IJsonTypeInfoResolver[] resolvers)
    {
        ArgumentNullException.ThrowIfNull(resolvers);
        var options = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        for (int i = resolvers.Length - 1; i >= 0; i--)
        {
            options.TypeInfoResolverChain.Insert(0, resolvers[i]);
        }

        options.MakeReadOnly();
        Options = options;
    }

    public JsonSerializerOptions Options { get; }
}
