using McpServers.Database;
using McpServers.Shared.Hosting;

var builder = McpServerHost.CreateBuilder(args, DatabaseServer.Identity);
builder.Services.AddDatabaseServer(builder.Configuration);
return await builder.RunAsync();
