namespace CommunityStream.Web.Assets;

/// <summary>
/// One page of the app: the shell (<c>Pages/shell.html</c>) filled with its title, its stylesheet
/// (<c>css/{Stylesheet}</c>), its module (<c>js/pages/{Name}.js</c>) and the preloads of that module's imports, and
/// <c>Pages/{Name}.html</c> as the content of <c>main</c> where the page has content without script.
/// </summary>
internal sealed record WebPage(string Name, string Title, string Stylesheet)
{
    public static readonly WebPage Home = new("home", "Live now", "pages.css");
    public static readonly WebPage Watch = new("watch", "Channel", "watch.css");
    public static readonly WebPage Studio = new("studio", "Studio", "studio.css");
    public static readonly WebPage Login = new("login", "Sign in", "pages.css");
    public static readonly WebPage Signup = new("signup", "Sign up", "pages.css");
    public static readonly WebPage Account = new("account", "Account", "pages.css");
    public static readonly WebPage NotFound = new("notfound", "Page not found", "pages.css");

    public static readonly IReadOnlyList<WebPage> All = [Home, Watch, Studio, Login, Signup, Account, NotFound];
}
