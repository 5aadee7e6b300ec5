-- End-to-end test of claimlens in headless Neovim (0.11), through the
-- editors/nvim plugin. Run by tests/e2e/run.sh:
--   nvim --headless -u NONE -i NONE -l tests/e2e/nvim/test.lua
-- Environment: CLAIMLENS_BIN (server), CORPUS (a temp copy of corpus/ where
-- 02-... says "24 million tonnes" of oil and 01-... says 25), NVIM_PLUGIN
-- (editors/nvim), ARTIFACTS (folder for logs).
-- Prints one "PASS name" or "FAIL name: why" line per check; exits 1 when any
-- check failed.

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local BIN, CORPUS, PLUGIN, ART = vim.env.CLAIMLENS_BIN, vim.env.CORPUS, vim.env.NVIM_PLUGIN, vim.env.ARTIFACTS
for k, v in pairs({ CLAIMLENS_BIN = BIN, CORPUS = CORPUS, NVIM_PLUGIN = PLUGIN, ARTIFACTS = ART }) do
  if not v or v == '' then
    out('FAIL setup: environment variable ' .. k .. ' is not set (run tests/e2e/run.sh)')
    vim.cmd('cquit 1')
  end
end

local F01 = CORPUS .. '/01-belarus-cannot-do-without-russia.txt'
local F02 = CORPUS .. '/02-lukashenko-explains-cooperation-with-russia.txt'
local F06 = CORPUS .. '/06-new-article-repeating-a-quote.txt'
local CONFLICT = 'inconsistent-figure'

vim.o.swapfile = false
vim.o.shortmess = vim.o.shortmess .. 'AI'
vim.opt.rtp:prepend(PLUGIN)
vim.cmd('filetype on') -- with -u NONE nothing else turns it on, and vim.lsp.enable needs FileType
vim.lsp.set_log_level('INFO')
vim.notify = function(msg, level)
  out(('notify[%s]: %s'):format(tostring(level), tostring(msg)))
end
out('nvim ' .. tostring(vim.version()) .. ', lsp log: ' .. vim.lsp.get_log_path())

-- ------------------------------------------------------------ helpers

local passed, failed = 0, 0

local function check(name, fn)
  local ok, err = xpcall(fn, function(e)
    return { msg = type(e) == 'table' and e.msg or tostring(e), tb = debug.traceback('', 2) }
  end)
  if ok then
    passed = passed + 1
    out('PASS ' .. name)
  else
    failed = failed + 1
    out('FAIL ' .. name .. ': ' .. err.msg:gsub('\n', '\n    '))
  end
end

local function fail(msg)
  error({ msg = msg }, 0)
end

local function now_ms()
  return vim.uv.hrtime() / 1e6
end

--- Call fn until it returns a truthy value, or the timeout runs out (nil).
local function poll(timeout_ms, fn, interval)
  local deadline = now_ms() + timeout_ms
  repeat
    local v = fn()
    if v then
      return v
    end
    vim.wait(interval or 100)
  until now_ms() > deadline
  return nil
end

local function read_lines(path)
  local ok, lines = pcall(vim.fn.readfile, path)
  return ok and lines or {}
end

local function write_file(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

--- 0-based row and byte column of the first occurrence of needle in a file.
local function find(path, needle)
  for i, line in ipairs(read_lines(path)) do
    local c = line:find(needle, 1, true)
    if c then
      return i - 1, c - 1
    end
  end
  fail(('test setup: %q not found in %s'):format(needle, path))
end

local function base(path_or_uri)
  return vim.fs.basename(path_or_uri:gsub('^file://', ''))
end

local client ---@type vim.lsp.Client

local function need_client()
  if not client then
    fail('no claimlens client (see "server starts and attaches")')
  end
end

--- LSP position of byte column col on row of a file, in the client's encoding.
local function lsp_pos(path, row, col)
  local line = read_lines(path)[row + 1] or ''
  local enc = client and client.offset_encoding or 'utf-16'
  if enc == 'utf-8' then
    return { line = row, character = col }
  end
  return { line = row, character = vim.str_utfindex(line, enc, col, false) }
end

local function request(method, params, timeout)
  need_client()
  local resp, err = client:request_sync(method, params, timeout or 10000, 0)
  if not resp then
    fail(method .. ': no answer (' .. tostring(err) .. ')')
  end
  if resp.err then
    fail(method .. ': error ' .. vim.inspect(resp.err))
  end
  return resp.result
end

local function at(path, needle, offset)
  local row, col = find(path, needle)
  return {
    textDocument = { uri = vim.uri_from_fname(path) },
    position = lsp_pos(path, row, col + (offset or 0)),
  }
end

local function locations(result)
  if result == nil or result == vim.NIL then
    return {}
  end
  if result.uri or result.targetUri then
    result = { result }
  end
  local locs = {}
  for _, l in ipairs(result) do
    table.insert(locs, { uri = l.uri or l.targetUri, range = l.range or l.targetSelectionRange or l.targetRange })
  end
  return locs
end

local function describe(locs)
  local s = {}
  for _, l in ipairs(locs) do
    table.insert(s, ('%s:%d'):format(base(l.uri), l.range.start.line + 1))
  end
  return #s > 0 and table.concat(s, ', ') or '(none)'
end

--- The text of the lines a location spans.
local function text_at(loc)
  local lines = read_lines(vim.uri_to_fname(loc.uri))
  local t = {}
  for i = loc.range.start.line + 1, loc.range['end'].line + 1 do
    table.insert(t, lines[i] or '')
  end
  return table.concat(t, '\n')
end

local function conflict_diags()
  return vim.tbl_filter(function(d)
    return d.code == CONFLICT
  end, vim.diagnostic.get(nil))
end

-- ------------------------------------------------------------ readiness signals

local published = {} -- uri -> number of publishDiagnostics
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
  if result and result.uri then
    published[result.uri] = (published[result.uri] or 0) + 1
  end
  return default_publish(err, result, ctx, cfg)
end
local indexed = false
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    local p = ev.data and ev.data.params
    if p and p.token == 'claimlens/indexing' and type(p.value) == 'table' and p.value.kind == 'end' then
      indexed = true
    end
  end,
})

-- ------------------------------------------------------------ the checks

require('claimlens').setup({
  cmd = { BIN, 'lsp' },
  settings = { maxFileBytes = 5000000 },
})

vim.cmd.edit(vim.fn.fnameescape(F01))
local buf01 = vim.api.nvim_get_current_buf()

check('server starts and attaches to a text buffer, rooted at the corpus folder', function()
  if vim.bo[buf01].filetype ~= 'text' then
    fail('filetype of the article is ' .. vim.bo[buf01].filetype .. ', expected text')
  end
  client = poll(20000, function()
    local c = vim.lsp.get_clients({ bufnr = buf01, name = 'claimlens' })[1]
    return c and c.initialized and c
  end)
  if not client then
    fail('no initialized claimlens client on ' .. base(F01) .. ' after 20 s; see ' .. vim.lsp.get_log_path())
  end
  local lang = client.config.get_language_id(buf01, 'text')
  if lang ~= 'plaintext' then
    fail('the plugin sends languageId ' .. tostring(lang) .. ' for text buffers, expected plaintext')
  end
  local root = vim.fs.normalize(client.root_dir or '')
  if root ~= vim.fs.normalize(vim.uv.fs_realpath(CORPUS)) and root ~= vim.fs.normalize(CORPUS) then
    fail('root_dir is ' .. tostring(client.root_dir) .. ', expected ' .. CORPUS)
  end
end)

check('indexing ends and diagnostics are published for every article', function()
  need_client()
  local files = vim.fn.glob(CORPUS .. '/*.txt', false, true)
  local missing
  local ok = poll(60000, function()
    missing = {}
    for _, f in ipairs(files) do
      if not published[vim.uri_from_fname(f)] then
        table.insert(missing, base(f))
      end
    end
    return indexed and #missing == 0
  end)
  if not ok then
    fail(('after 60 s: indexing progress ended: %s; no diagnostics published for: %s'):format(
      tostring(indexed),
      table.concat(missing, ', ')
    ))
  end
end)

check('hover on a person names the entity (Lukashenko, person)', function()
  local result = request('textDocument/hover', at(F01, 'Lukashenko', 3))
  if not result or result == vim.NIL then
    fail('hover on "Lukashenko" (' .. base(F01) .. ':1) returned nothing')
  end
  local c = result.contents
  local text = type(c) == 'string' and c or (c.value or vim.inspect(c))
  if not (text:find('Lukashenko', 1, true) and text:lower():find('person', 1, true)) then
    fail('hover text does not name Lukashenko as a person: ' .. vim.inspect(text))
  end
end)

check('semantic tokens type "Lukashenko" as person', function()
  need_client()
  local row, col = find(F01, 'Lukashenko')
  local types = {}
  local ok = poll(15000, function()
    local toks = vim.lsp.semantic_tokens.get_at_pos(buf01, row, col + 2) or {}
    types = vim.tbl_map(function(t)
      return t.type
    end, toks)
    if vim.tbl_contains(types, 'person') then
      return true
    end
    vim.lsp.semantic_tokens.force_refresh(buf01) -- tokens asked before indexing ended may be partial
    vim.wait(400)
  end, 100)
  if not ok then
    fail('token types at "Lukashenko": ' .. vim.inspect(types) .. ', expected person')
  end
  local hl = vim.api.nvim_get_hl(0, { name = '@lsp.type.person' })
  if hl.link ~= 'Identifier' then
    fail('@lsp.type.person links to ' .. tostring(hl.link) .. ', expected Identifier (plugin default)')
  end
end)

-- The quote of 01 that holds "Are we producing gas?" (line 6) is repeated in
-- 02's quote that holds "Do we produce gas?" (line 15). The cursor goes on a
-- word of it: "receive" in "No, we receive natural gas from fraternal Russia."
local QUOTE = 'Are we producing gas?'
local WORD = 'receive natural gas'

check('definition on a repeated quote lands in the other article', function()
  local result = request('textDocument/definition', at(F01, WORD, 2))
  local locs = locations(result)
  for _, l in ipairs(locs) do
    if base(l.uri) == base(F02) and text_at(l):find('Do we produce gas?', 1, true) then
      return
    end
  end
  fail('definition on "receive" in the quote with "' .. QUOTE .. '" gave ' .. describe(locs) .. ', expected the line of "Do we produce gas?" in ' .. base(F02))
end)

check('references on a repeated quote list the other article', function()
  local p = at(F01, WORD, 2)
  p.context = { includeDeclaration = true }
  local locs = locations(request('textDocument/references', p))
  for _, l in ipairs(locs) do
    if base(l.uri) == base(F02) then
      return
    end
  end
  fail('references on "receive" in the quote with "' .. QUOTE .. '" gave ' .. describe(locs) .. ', expected ' .. base(F02))
end)

check('a code lens over the repeated quote runs claimlens.showRepeats', function()
  local row = find(F01, QUOTE)
  local lenses = request('textDocument/codeLens', { textDocument = { uri = vim.uri_from_fname(F01) } }) or {}
  local titles = {}
  for _, l in ipairs(lenses == vim.NIL and {} or lenses) do
    table.insert(titles, ('%d: %s'):format(l.range.start.line + 1, l.command and l.command.title or '?'))
    if l.range.start.line == row and l.command and l.command.command == 'claimlens.showRepeats' then
      if (l.command.title or '') == '' then
        fail('the lens on line ' .. (row + 1) .. ' has an empty title')
      end
      return
    end
  end
  fail('no claimlens.showRepeats lens on line ' .. (row + 1) .. '; lenses: ' .. (#titles > 0 and table.concat(titles, '; ') or '(none)'))
end)

local conflict_row = nil

check('the injected figure conflict is a diagnostic (inconsistent-figure, warning, source claimlens, related 01)', function()
  need_client()
  local row = find(F02, '24 million tonnes')
  conflict_row = row
  local found
  local ok = poll(15000, function()
    for _, d in ipairs(conflict_diags()) do
      if base(vim.api.nvim_buf_get_name(d.bufnr)) == base(F02) and d.lnum == row then
        found = d
        return true
      end
    end
  end)
  if not ok then
    local all = {}
    for _, d in ipairs(vim.diagnostic.get(nil)) do
      table.insert(all, ('%s:%d %s [%s]'):format(base(vim.api.nvim_buf_get_name(d.bufnr)), d.lnum + 1, d.message, tostring(d.code)))
    end
    fail(('no %s diagnostic on %s:%d ("24 million tonnes"); diagnostics: %s'):format(
      CONFLICT,
      base(F02),
      row + 1,
      #all > 0 and table.concat(all, '; ') or '(none)'
    ))
  end
  if found.source ~= 'claimlens' then
    fail('source is ' .. tostring(found.source))
  end
  if found.severity ~= vim.diagnostic.severity.WARN then
    fail('severity is ' .. tostring(found.severity) .. ', expected WARN')
  end
  local related = found.user_data and found.user_data.lsp and found.user_data.lsp.relatedInformation or {}
  for _, r in ipairs(related) do
    if base(r.location.uri) == base(F01) then
      return
    end
  end
  fail('relatedInformation does not point at ' .. base(F01) .. ': ' .. vim.inspect(related))
end)

check('code actions on the conflict: use the other value, or keep it (claimlens.keepFigure)', function()
  if not conflict_row then
    fail('no conflict row (previous check failed)')
  end
  local _, col = find(F02, '24 million tonnes')
  local pos = lsp_pos(F02, conflict_row, col)
  local diags = {}
  for _, d in ipairs(conflict_diags()) do
    if base(vim.api.nvim_buf_get_name(d.bufnr)) == base(F02) then
      table.insert(diags, d.user_data.lsp)
    end
  end
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_fname(F02) },
    range = { start = pos, ['end'] = pos },
    context = { diagnostics = diags },
  }) or {}
  local use, keep, titles = false, false, {}
  for _, a in ipairs(actions == vim.NIL and {} or actions) do
    table.insert(titles, a.title)
    for _, edits in pairs((a.edit or {}).changes or {}) do
      for _, e in ipairs(edits) do
        if e.newText:find('25', 1, true) then
          use = true
        end
      end
    end
    local cmd = type(a.command) == 'table' and a.command.command or a.command
    if cmd == 'claimlens.keepFigure' then
      keep = true
    end
  end
  if not (use and keep) then
    fail(('actions: %s (want an edit to 25 and a claimlens.keepFigure command)'):format(vim.inspect(titles)))
  end
end)

check(':ClaimlensConflicts fills the quickfix list from claimlens.listConflicts', function()
  need_client()
  local got
  require('claimlens').conflicts({
    open = false,
    done = function(items, source)
      got = { items = items, source = source }
    end,
  })
  if not poll(10000, function()
    return got
  end) then
    fail('no answer after 10 s')
  end
  if got.source ~= 'server' then
    fail('conflicts came from ' .. got.source .. ', not the server command')
  end
  local qf = vim.fn.getqflist({ title = 1, items = 1 })
  for _, it in ipairs(qf.items) do
    if base(vim.api.nvim_buf_get_name(it.bufnr)) == base(F02) and it.lnum == conflict_row + 1 and it.text:find(CONFLICT, 1, true) then
      return
    end
  end
  local lines = vim.tbl_map(function(it)
    return ('%s:%d %s'):format(base(vim.api.nvim_buf_get_name(it.bufnr)), it.lnum, it.text)
  end, qf.items)
  fail('quickfix list "' .. tostring(qf.title) .. '" lacks the conflict on ' .. base(F02) .. ': ' .. vim.inspect(lines))
end)

check('the server indexes a new file written on disk (its own watcher: diagnostics published for it)', function()
  need_client()
  write_file(
    F06,
    'Gas and oil\n\nLukashenko repeated his point on Tuesday: "Are we producing gas? No, we receive natural gas from fraternal Russia."\n'
  )
  if not poll(30000, function()
    return published[vim.uri_from_fname(F06)]
  end) then
    fail('30 s after writing ' .. base(F06) .. ' no diagnostics were published for it')
  end
end)

check('the server sees a new file written on disk (references include it)', function()
  need_client()
  local p = at(F01, WORD, 2)
  p.context = { includeDeclaration = true }
  local locs = {}
  local ok = poll(30000, function()
    locs = locations(request('textDocument/references', p))
    for _, l in ipairs(locs) do
      if base(l.uri) == base(F06) then
        return true
      end
    end
    vim.wait(300)
  end)
  if not ok then
    fail('30 s after writing ' .. base(F06) .. ', references on "receive" in the quote with "' .. QUOTE .. '" are ' .. describe(locs))
  end
end)

check('rewriting the figure on disk clears the conflict diagnostic', function()
  need_client()
  if #conflict_diags() == 0 then
    fail('precondition: no conflict diagnostic to clear (see the inconsistent-figure check)')
  end
  local text = table.concat(read_lines(F02), '\n') .. '\n'
  local fixed, n = text:gsub('Do we produce 24 million tonnes', 'Do we produce 25 million tonnes')
  if n ~= 1 then
    fail('test setup: ' .. base(F02) .. ' does not say "Do we produce 24 million tonnes"')
  end
  write_file(F02, fixed)
  local left = {}
  local ok = poll(30000, function()
    left = conflict_diags()
    return #left == 0
  end)
  if not ok then
    fail(('30 s after fixing %s on disk, %d %s diagnostic(s) remain'):format(base(F02), #left, CONFLICT))
  end
end)

check(':ClaimlensRepeats lists the other places and the server opens the first (window/showDocument)', function()
  need_client()
  vim.api.nvim_set_current_buf(buf01)
  local row, col = find(F01, WORD)
  vim.api.nvim_win_set_cursor(0, { row + 1, col + 2 })
  local got
  require('claimlens').repeats({
    done = function(items)
      got = items
    end,
  })
  if not poll(10000, function()
    return got
  end) then
    fail('claimlens.showRepeats gave no answer after 10 s')
  end
  local names = vim.tbl_map(function(it)
    return base(it.filename or vim.api.nvim_buf_get_name(it.bufnr))
  end, got)
  if not (vim.tbl_contains(names, base(F02)) and vim.tbl_contains(names, base(F06))) then
    fail('repeats listed ' .. vim.inspect(names) .. ', expected ' .. base(F02) .. ' and ' .. base(F06))
  end
  local qf = vim.fn.getqflist({ title = 1, size = 1 })
  if qf.title ~= 'claimlens: repeats' or qf.size ~= #got then
    fail(('quickfix list is %q with %d items, expected "claimlens: repeats" with %d'):format(qf.title, qf.size, #got))
  end
  local shown = poll(5000, function()
    local name = base(vim.api.nvim_buf_get_name(0))
    return name ~= base(F01) and name
  end)
  if not shown or not vim.tbl_contains(names, shown) then
    fail('the current buffer is ' .. base(vim.api.nvim_buf_get_name(0)) .. ', expected the server to open one of the repeats')
  end
end)

check('a Markdown file of the corpus gets the same client, and hover', function()
  need_client()
  local md = CORPUS .. '/07-notes.md'
  write_file(md, '# Notes\n\nAlexander Lukashenko met Vladimir Putin in Minsk.\n')
  vim.cmd.edit(vim.fn.fnameescape(md))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'markdown' then
    fail('filetype of the .md file is ' .. vim.bo[buf].filetype)
  end
  local c = poll(10000, function()
    return vim.lsp.get_clients({ bufnr = buf, name = 'claimlens' })[1]
  end)
  if not c then
    fail('no claimlens client attached to ' .. base(md))
  end
  if c.id ~= client.id then
    fail('a second claimlens client started for ' .. base(md) .. ' (root ' .. tostring(c.root_dir) .. ')')
  end
  local result = poll(10000, function()
    local r = request('textDocument/hover', at(md, 'Lukashenko', 2))
    return r ~= nil and r ~= vim.NIL and r
  end)
  local text = result and (type(result.contents) == 'string' and result.contents or result.contents.value) or ''
  if not text:lower():find('person', 1, true) then
    fail('hover on "Lukashenko" in ' .. base(md) .. ': ' .. vim.inspect(text ~= '' and text or nil))
  end
end)

-- ------------------------------------------------------------ finish

for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop()
end
vim.wait(3000, function()
  return #vim.lsp.get_clients() == 0
end, 50)
local log = vim.lsp.get_log_path()
if vim.uv.fs_stat(log) then
  vim.uv.fs_copyfile(log, ART .. '/nvim-lsp.log')
end
out(('nvim: %d passed, %d failed'):format(passed, failed))
vim.cmd('cquit ' .. (failed > 0 and 1 or 0))
