// CommunityStream build script. Deliberately thin: every target runs one plain command that a developer
// (and the README, and CI) would type by hand, so `dotnet cake --target=X` never diverges from the docs.
//
//   dotnet tool restore
//   dotnet cake                              # = Test
//   dotnet cake --target=Format              # fails when `dotnet format` would change anything
//   dotnet cake --target=Image --image-version=1.2.3

var target = Argument("target", "Default");
// Not `--version`: Cake reserves that switch for printing its own version.
var imageVersion = Argument("image-version", EnvironmentVariable("CS_IMAGE_VERSION") ?? "dev");

const string Solution = "CommunityStream.sln";

// Runs a command from the repository root, echoing it first; a non-zero exit code fails the target.
void Exec(string tool, string arguments)
{
    Information("> {0} {1}", tool, arguments);
    var exitCode = StartProcess(tool, new ProcessSettings
    {
        Arguments = arguments,
        WorkingDirectory = Context.Environment.WorkingDirectory,
    });
    if (exitCode != 0)
    {
        throw new CakeException($"'{tool} {arguments}' exited with code {exitCode}.");
    }
}

Task("Restore")
    .Does(() => Exec("dotnet", $"restore {Solution}"));

Task("Format")
    .Description("Fails when the code does not match .editorconfig (whitespace, style, analyzers).")
    .IsDependentOn("Restore")
    .Does(() => Exec("dotnet", $"format {Solution} --verify-no-changes --no-restore"));

Task("Build")
    .IsDependentOn("Restore")
    .Does(() => Exec("dotnet", $"build {Solution} -c Release --no-restore"));

// No dependencies on purpose: this is exactly the README's and CI's test command (it restores and builds itself).
Task("Test")
    .Does(() => Exec("dotnet", $"test {Solution}"));

// ReadyToRun code for the hot assemblies, as the Dockerfile publishes (docs/operations.md, "Start-up").
Task("Publish")
    .Does(() => Exec("dotnet", "publish src/Host -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false -o artifacts/publish"));

// Needs a Docker engine (none on CI machines); the Dockerfile restores, builds and publishes inside the image.
Task("Image")
    .Does(() => Exec("docker", $"build -f docker/Dockerfile -t communitystream:{imageVersion} ."));

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
