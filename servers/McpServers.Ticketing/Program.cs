using McpServers.Shared.Hosting;
using McpServers.Ticketing;

if (args is ["login", .. var loginArgs])
{
    return await TicketingServer.LoginAsync(loginArgs, Console.Error);
}

var builder = McpServerHost.CreateBuilder(args, TicketingServer.Identity);
builder.Services.AddTicketingServer(builder.Configuration);
return await builder.RunAsync();
