using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace McpServers.Shared.Validation;

/// <summary>
/// Validates tool arguments against the exact inputSchema a tool advertises (draft 2020-12 subset, see DESIGN.md §3.4).
/// Compiled once when the tool is registered; unsupported keywords are refused then, never ignored at call time.
/// AOT-safe: works on <see cref="JsonElement"/> only, no reflection-based serialization.
/// </summary>
public sealed class JsonSchemaValidator
{
    private const int MaxDescribed = 20;

    private readonly SchemaNode _root;

    private JsonSchemaValidator(SchemaNode root) => _root = root;

    /// <summary>Compiles <paramref name="schema"/>; throws <see cref="UnsupportedSchemaException"/> for anything not enforced.</summary>
    public static JsonSchemaValidator Compile(JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The schema element has no value.", nameof(schema));
        }

        // Clone so the validator does not depend on the caller keeping its JsonDocument alive.
        return new JsonSchemaValidator(SchemaCompiler.Compile(schema.Clone()));
    }

    public static bool TryCompile(JsonElement schema, [NotNullWhen(true)] out JsonSchemaValidator? validator,
        [NotNullWhen(false)] out string? problem)
    {
        try
        {
            validator = Compile(schema);
            problem = null;
            return true;
        }
        catch (UnsupportedSchemaException ex)
        {
            validator = null;
            problem = ex.Message;
            return false;
        }
    }

    /// <summary>Every failed rule, in a stable order; empty when the value is valid.</summary>
    public IReadOnlyList<SchemaError> Validate(JsonElement instance)
    {
        if (instance.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The instance element has no value.", nameof(instance));
        }

        List<SchemaError> errors = [];
        SchemaEvaluator.Evaluate(_root, instance, string.Empty, errors, 0);
        // allOf branches and $ref siblings can report the same rule twice.
        return errors.Count <= 1 ? errors : errors.Distinct().ToList();
    }

    /// <summary>Validates the object made of the call's arguments (null means no arguments, i.e. {}).</summary>
    public IReadOnlyList<SchemaError> ValidateArguments(IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, JsonElement value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                if (value.ValueKind == JsonValueKind.Undefined)
                {
                    throw new ArgumentException($"Argument '{name}' has no value.", nameof(arguments));
                }

                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return Validate(document.RootElement);
    }

    /// <summary>One message for the model that lists every failing parameter and its rule.</summary>
    public static string Describe(IReadOnlyList<SchemaError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            return "The arguments are valid.";
        }

        if (errors.Count == 1)
        {
            return "Invalid arguments: " + errors[0].Message + ".";
        }

        var sb = new StringBuilder("Invalid arguments (").Append(errors.Count).Append(" problems):");
        foreach (SchemaError error in errors.Take(MaxDescribed))
        {
            sb.Append("\n- ").Append(error.Message);
        }

        if (errors.Count > MaxDescribed)
        {
            sb.Append("\n- … and ").Append(errors.Count - MaxDescribed).Append(" more");
        }

        return sb.ToString();
    }
}
