#!/usr/bin/env pwsh
# Thin wrapper over plain dotnet commands; every line below can be run by hand.
#   ./build.ps1 build     -> dotnet build McpServers.sln -c Release
#   ./build.ps1 test      -> dotnet test McpServers.sln -c Release
#   ./build.ps1 pack      -> per server: dotnet pack servers/<Server> -c Release [-r any | -r <rid>] -o artifacts/packages
#   ./build.ps1 publish   -> dotnet publish servers/<Server> -c Release -r <rid> (every server; NativeAOT)
param(
    [ValidateSet('build', 'test', 'pack', 'publish')]
    [string]$Target = 'build',
    [string]$Configuration = 'Release',
    [string]$Runtime = 'linux-x64'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Invoke-Dotnet {
    Write-Host "> dotnet $args"
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Target) {
    'build' { Invoke-Dotnet build McpServers.sln -c $Configuration }
    'test' { Invoke-Dotnet test McpServers.sln -c $Configuration }
    'pack' {
        foreach ($project in Get-ChildItem servers -Directory) {
            Invoke-Dotnet pack $project.FullName -c $Configuration -o artifacts/packages
            Invoke-Dotnet pack $project.FullName -c $Configuration -r any -o artifacts/packages
            Invoke-Dotnet pack $project.FullName -c $Configuration -r $Runtime -o artifacts/packages
        }
    }
    'publish' {
        foreach ($project in Get-ChildItem servers -Directory) {
            Invoke-Dotnet publish $project.FullName -c $Configuration -r $Runtime -o "artifacts/publish/$($project.Name)"
        }
    }
}
