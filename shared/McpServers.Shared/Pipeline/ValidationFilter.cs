using McpServers.Shared.Validation;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Pipeline;

/// <summary>
/// Arguments are checked against the tool's advertised inputSchema before the tool can see them. The SDK does not
/// validate (it only binds), so without this stage every constraint in a schema would be decoration.
/// </summary>
internal sealed class ValidationFilter(ToolRegistry registry) : ICallToolFilter
{
    public ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> context,
        McpRequestHandler<CallToolRequestParams, CallToolResult> next, CancellationToken cancellationToken)
    {
        if (registry.TryGet(context.Params?.Name ?? string.Empty, out RegisteredTool? tool))
        {
            var arguments = context.Params!.Arguments is { } a ? new Dictionary<string, System.Text.Json.JsonElement>(a) : null;
            IReadOnlyList<SchemaError> errors = tool.Validator.ValidateArguments(arguments);
            if (errors.Count > 0)
            {
                CallState.Of(context).Set(AuditOutcome.Invalid, $"{errors.Count} schema violation(s)");
                return ValueTask.FromResult(ToolResults.Error(
                    $"Invalid arguments for '{tool.Name}'; nothing was done. {JsonSchemaValidator.Describe(errors)} Call again with corrected arguments."));
            }

            if (arguments is not null && IntegerArguments.Normalise(tool.Tool.ProtocolTool.InputSchema, arguments) is { } normalised)
            {
                context.Params.Arguments = normalised;
            }
        }

        return next(context, cancellationToken);
    }
}
