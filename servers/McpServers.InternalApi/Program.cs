using McpServers.InternalApi;
using McpServers.Shared.Hosting;

var builder = McpServerHost.CreateBuilder(args, InternalApiServer.Identity);
builder.Services.AddInternalApiServer(builder.Configuration);
return await builder.RunAsync();
