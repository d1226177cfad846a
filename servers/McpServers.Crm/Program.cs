using McpServers.Crm;
using McpServers.Shared.Hosting;

var builder = McpServerHost.CreateBuilder(args, CrmServer.Identity);
builder.Services.AddCrmServer(builder.Configuration);
return await builder.RunAsync();
