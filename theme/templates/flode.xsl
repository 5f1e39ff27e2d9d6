{#- The feeds' page in a browser: plugins/feeds.py renders this template once into <site>/flode.xsl, and
    every Atom feed names it in <?xml-stylesheet?>. A browser that runs XSLT shows a feed as this Swedish
    page in the site's own frame and stylesheet; feed readers ignore it. XSLT 1.0, no script.
    Needs: SITEURL, SITENAME, THEME_STATIC_DIR, months (Swedish month names, January first). -#}
{% import "partials/strings.html" as t %}
<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:a="http://www.w3.org/2005/Atom" exclude-result-prefixes="a">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/a:feed">
    <html lang="sv">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title>{{ t.feed_page_title|e }} <xsl:value-of select="a:title"/></title>
        <link rel="icon" href="{{ SITEURL|e }}/{{ THEME_STATIC_DIR|e }}/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="{{ SITEURL|e }}/{{ THEME_STATIC_DIR|e }}/css/main.css"/>
      </head>
      <body>
        <a class="bk-skip-link" href="#main-content">{{ t.skip_link|e }}</a>
        <header class="bk-header">
          <div class="bk-header__inner">
            <p class="bk-header__name"><a href="{{ SITEURL|e }}/">{{ SITENAME|e }}</a></p>
          </div>
        </header>
        <main id="main-content" class="bk-main" tabindex="-1">
          <h1>{{ t.feed_page_title|e }} <xsl:value-of select="a:title"/></h1>
          <p>{{ t.feed_what|e }}</p>
          <h2>{{ t.feed_how|e }}</h2>
          <ol>
            <li>{{ t.feed_step_copy|e }} <code class="bk-feed-address"><xsl:value-of select="a:link[@rel='self']/@href"/></code></li>
            <li>{{ t.feed_step_paste|e }}</li>
          </ol>
          <p>{{ t.feed_archive|e }}</p>
          <h2>{{ t.feed_latest|e }}</h2>
          <ul class="bk-archive-list">
            <xsl:for-each select="a:entry">
              <li>
                <xsl:apply-templates select="a:published"/>
                <xsl:text> </xsl:text>
                <a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a>
              </li>
            </xsl:for-each>
          </ul>
          <p><a href="{{ SITEURL|e }}/">{{ t.feed_back|e }}</a></p>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- "2021-03-10T09:30:00+01:00" as "10 mars 2021", with the moment for machines -->
  <xsl:template match="a:published">
    <xsl:variable name="month" select="number(substring(., 6, 2))"/>
    <time datetime="{.}">
      <xsl:value-of select="number(substring(., 9, 2))"/>
      <xsl:text> </xsl:text>
      <xsl:choose>
{% for name in months %}
        <xsl:when test="$month = {{ loop.index }}">{{ name|e }}</xsl:when>
{% endfor %}
      </xsl:choose>
      <xsl:text> </xsl:text>
      <xsl:value-of select="substring(., 1, 4)"/>
    </time>
  </xsl:template>
</xsl:stylesheet>
