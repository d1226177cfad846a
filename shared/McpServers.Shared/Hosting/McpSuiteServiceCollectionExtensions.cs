using McpServers.Shared.Audit;
using McpServers.Shared.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpServers.Shared.Hosting;

/// <summary>
/// The registration every server shares: options, audit, policy, the call pipeline in the order of DESIGN §3, and
/// the server's tools. Returns the MCP builder without a transport, so tests attach an in-memory transport to
/// exactly the registration the executable serves over stdio.
/// </summary>
public static class McpSuiteServiceCollectionExtensions
{
    public static IMcpServerBuilder AddMcpSuiteServer(this IServiceCollection services, IConfiguration configuration,
        ServerIdentity identity, ToolCatalog catalog, ServerJson? json = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(catalog);

        services.AddSingleton(identity);
        services.AddSingleton(catalog);
        services.AddSingleton(json ?? new ServerJson());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => SecretRedactor.FromConfiguration(configuration, identity));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, StderrLoggerProvider>(
            sp => new StderrLoggerProvider(sp.GetRequiredService<SecretRedactor>())));

        // The shared sections' keys are known settings; anything else under them is refused as a typo.
        IConfigurationSection policy = configuration.GetSection("Policy");
        services.AddSettings<PolicyOptions>(configuration, "Policy").Bind(policy).PostConfigure(o =>
        {
            o.Tools = SettingList.Parse(policy, nameof(o.Tools)) ?? o.Tools;
            o.ExcludeTools = SettingList.Parse(policy, nameof(o.ExcludeTools)) ?? o.ExcludeTools;
        });
        services.AddSettings<RateLimitOptions>(configuration, "RateLimits").Bind(configuration.GetSection("RateLimits"))
            .Validate(o => o.ReadPerMinute is >= 1 and <= 100_000 && o.WritePerMinute is >= 1 and <= 100_000 && o.Tools.Values.All(v => v is >= 1 and <= 100_000),
                "RateLimits:ReadPerMinute, RateLimits:WritePerMinute and RateLimits:Tools:<tool> must be between 1 and 100000 calls per minute.");
        IConfigurationSection confirmation = configuration.GetSection("Confirmation");
        services.AddSettings<ConfirmationOptions>(configuration, "Confirmation").Bind(confirmation)
            .PostConfigure(o =>
            {
                o.Require = SettingList.Parse(confirmation, nameof(o.Require)) ?? o.Require;
                o.Disable = SettingList.Parse(confirmation, nameof(o.Disable)) ?? o.Disable;
                o.RequireElicitation = SettingList.Parse(confirmation, nameof(o.RequireElicitation)) ?? o.RequireElicitation;
                o.AllowToken = SettingList.Parse(confirmation, nameof(o.AllowToken)) ?? o.AllowToken;
            })
            .Validate(o => o.TokenLifetime >= TimeSpan.FromSeconds(10) && o.TokenLifetime <= TimeSpan.FromHours(1),
                "Confirmation:TokenLifetime must be between 00:00:10 and 01:00:00.");
        services.AddSettings<AuditOptions>(configuration, "Audit").Bind(configuration.GetSection("Audit"))
            .Validate(o => o.MaxValueChars is >= 16 and <= 100_000, "Audit:MaxValueChars must be between 16 and 100000.")
            .Validate(o => o.RetainedFiles is >= 1 and <= 3650, "Audit:RetainedFiles must be between 1 and 3650.")
            .Validate(o => o.FileSizeLimitBytes is >= 64 * 1024 and <= 1L << 40, "Audit:FileSizeLimitBytes must be between 65536 and 1099511627776.");
        services.AddSettings<ConcurrencyOptions>(configuration, "Concurrency").Bind(configuration.GetSection("Concurrency"))
            .Validate(o => o.MaxCalls is >= 1 and <= 1000 && o.MaxCallsPerTool is >= 1 and <= 1000,
                "Concurrency:MaxCalls and Concurrency:MaxCallsPerTool must be between 1 and 1000.")
            .Validate(o => o.QueueTimeout >= TimeSpan.Zero && o.QueueTimeout <= TimeSpan.FromMinutes(5),
                "Concurrency:QueueTimeout must be between 00:00:00 and 00:05:00.");

        // HTTP mode (--http) reads and checks them when it starts; declared here so they are known settings everywhere.
        services.AddSettings<Service.ServiceOptions>(configuration, "Service").Bind(configuration.GetSection("Service"));

        services.AddSingleton<AuditContext>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<IServerCheck, AuditCheck>();
        services.AddSingleton<ConfirmationStore>();
        services.AddSingleton(sp =>
        {
            // A server's own settings are checked before any tool is listed, by whatever host serves it; only the
            // manifest (--print-tools) is built without them, since it needs neither a backend nor credentials.
            if (sp.GetService<ToolManifestOnly>() is null)
            {
                foreach (StartupValidation validation in sp.GetServices<StartupValidation>())
                {
                    validation.Validate(sp);
                }
            }

            return new ToolRegistry(catalog, sp, sp.GetRequiredService<ServerJson>(),
                sp.GetRequiredService<IOptions<PolicyOptions>>(), sp.GetRequiredService<IOptions<ConfirmationOptions>>(),
                sp.GetRequiredService<IOptions<RateLimitOptions>>(), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<AuditFilter>();
        services.AddSingleton<PolicyFilter>();
        services.AddSingleton<RateLimitFilter>();
        services.AddSingleton<ValidationFilter>();
        services.AddSingleton<ConfirmationFilter>();
        services.AddSingleton<ConcurrencyFilter>();
        services.AddSingleton<ErrorFilter>();
        services.AddSingleton<RawArgumentsFilter>();
        services.AddSingleton<IConfigureOptions<McpServerOptions>, ToolCollectionSetup>();

        return services
            .AddMcpServer(o =>
            {
                o.ServerInfo = new Implementation { Name = identity.Name, Version = identity.Version, Title = identity.Title };
                o.ServerInstructions = identity.Instructions;
            })
            // Before the SDK parses a tools/call: arguments it would reject or silently change are refused and audited.
            .WithMessageFilters(filters => filters.AddIncomingFilter(next => (context, cancellationToken) =>
                Services(context).GetRequiredService<RawArgumentsFilter>().InvokeAsync(context, next, cancellationToken)))
            .WithRequestFilters(filters =>
            {
                // Outermost first (DESIGN §3): audit, policy, rate limit, validation, errors, confirmation,
                // concurrency. Errors wrap confirmation so a tool's pre-check fails like the tool would.
                filters.AddCallToolFilter(Stage<AuditFilter>);
                filters.AddCallToolFilter(Stage<PolicyFilter>);
                filters.AddCallToolFilter(Stage<RateLimitFilter>);
                filters.AddCallToolFilter(Stage<ValidationFilter>);
                filters.AddCallToolFilter(Stage<ErrorFilter>);
                filters.AddCallToolFilter(Stage<ConfirmationFilter>);
                filters.AddCallToolFilter(Stage<ConcurrencyFilter>);
                filters.AddListToolsFilter(next => async (context, cancellationToken) =>
                {
                    ToolRegistry registry = Services(context).GetRequiredService<ToolRegistry>();
                    await WhenToolsReadyAsync(registry, context.Server, cancellationToken);
                    ListToolsResult result = await next(context, cancellationToken);
                    if (context.Params?.Cursor is null)
                    {
                        // Over HTTP, a caller sees only the tools its scopes allow (the policy stage refuses the rest).
                        Caller? caller = Caller.From(context.User);
                        result.Tools = [.. registry.Visible.Where(t => caller is null || caller.MayCall(t.IsReadOnly)).Select(t => t.Tool.ProtocolTool)];
                    }

                    return result;
                });
            });
    }

    private static McpRequestHandler<CallToolRequestParams, CallToolResult> Stage<TFilter>(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next) where TFilter : ICallToolFilter =>
        (context, cancellationToken) => Services(context).GetRequiredService<TFilter>().InvokeAsync(context, next, cancellationToken);

    private static IServiceProvider Services(MessageContext context) =>
        context.Services ?? context.Server.Services ?? throw new InvalidOperationException("The MCP request has no services.");

    /// <summary>
    /// Waits for tools a source loads in the background; when they are not there in time, tools/list is answered
    /// with an error naming the source's setting, and the client is told once they have arrived (list_changed).
    /// </summary>
    private static async Task WhenToolsReadyAsync(ToolRegistry registry, McpServer session, CancellationToken cancellationToken)
    {
        try
        {
            await registry.WhenReadyAsync(cancellationToken);
        }
        catch (ToolsUnavailableException e)
        {
            _ = registry.Ready.ContinueWith(
                _ => session.SendNotificationAsync(NotificationMethods.ToolListChangedNotification, CancellationToken.None),
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw new McpProtocolException(e.Message, McpErrorCode.InternalError);
        }
    }

    /// <summary>
    /// Builds the registry when the server is built (so background sources start loading then) and declares the
    /// tools capability. The SDK's own collection stays empty: tools/list and tools/call take the tools from the
    /// registry, which may receive them after the server has started.
    /// </summary>
    private sealed class ToolCollectionSetup(ToolRegistry registry) : IConfigureOptions<McpServerOptions>
    {
        public void Configure(McpServerOptions options)
        {
            ArgumentNullException.ThrowIfNull(registry);
            options.ToolCollection ??= [];
        }
    }
}
