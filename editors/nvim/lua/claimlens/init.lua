-- claimlens for Neovim: starts `claimlens lsp` for text and Markdown buffers,
-- links the entity semantic-token groups to highlight groups, and adds
-- :ClaimlensConflicts (every figure conflict of the corpus in the quickfix
-- list) and :ClaimlensRepeats (where else the statement under the cursor is
-- made). See :help claimlens.

local M = {}

local NAME = 'claimlens'
local CONFLICT_CODE = 'inconsistent-figure'

M.defaults = {
  -- The server command. Default: { server_path or 'claimlens', 'lsp' }.
  cmd = nil,
  -- Path to the claimlens binary (ignored when `cmd` is given).
  server_path = nil,
  filetypes = { 'text', 'markdown' },
  -- The workspace root is the nearest folder holding the first of these
  -- that is found (in this order), else the file's own folder.
  root_markers = { 'claimlens.toml', '.git' },
  -- The `claimlens` settings section, sent as initializationOptions and as
  -- the answer to workspace/configuration, e.g. { maxFileBytes = 5000000 }.
  settings = {},
  -- Highlight groups the entity token types link to (false: leave them alone).
  highlights = {
    person = 'Identifier',
    organization = 'Type',
    place = 'Constant',
  },
  -- Show code lenses over repeated statements ("said in 2 other articles").
  codelens = true,
  -- Define :ClaimlensConflicts and :ClaimlensRepeats.
  commands = true,
  -- Extra vim.lsp client fields (capabilities, handlers, on_attach, ...).
  lsp = {},
}

M.options = nil

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function notify(msg, level)
  vim.notify('claimlens: ' .. msg, level or vim.log.levels.INFO)
end

--- The workspace root for a file: the nearest folder holding one of the
--- root markers (tried in order), else the file's folder.
---@param path string absolute file path
---@param markers string[]|nil
---@return string
function M.root_dir(path, markers)
  local dir = vim.fs.dirname(path)
  for _, marker in ipairs(markers or (M.options or M.defaults).root_markers) do
    local found = vim.fs.find(marker, { path = dir, upward = true })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return dir
end

local function file_path(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  return vim.fs.normalize(vim.fn.fnamemodify(name, ':p'))
end

local function request(client, method, params, handler, bufnr)
  if has('nvim-0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function get_clients(filter)
  filter = vim.tbl_extend('force', { name = NAME }, filter or {})
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  return vim.lsp.get_active_clients(filter)
end

--- The claimlens client of a buffer, else any claimlens client.
function M.client(bufnr)
  return get_clients({ bufnr = bufnr or 0 })[1] or get_clients()[1]
end

local function set_highlights(links)
  for kind, group in pairs(links) do
    vim.api.nvim_set_hl(0, '@lsp.type.' .. kind, { link = group, default = true })
  end
end

local function on_attach(client, bufnr)
  local o = M.options
  if o.codelens and client.server_capabilities.codeLensProvider then
    local group = vim.api.nvim_create_augroup('claimlens_codelens_' .. bufnr, { clear = true })
    local function refresh()
      if vim.api.nvim_buf_is_valid(bufnr) and vim.api.nvim_buf_is_loaded(bufnr) then
        vim.lsp.codelens.refresh({ bufnr = bufnr })
      end
    end
    -- The lenses depend on the whole corpus: refresh when the buffer is
    -- shown or edited, and when diagnostics arrive (the server publishes
    -- them for every file once indexing is done and after changes on disk).
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost' }, {
      group = group,
      buffer = bufnr,
      callback = refresh,
    })
    vim.api.nvim_create_autocmd('DiagnosticChanged', {
      group = group,
      buffer = bufnr,
      callback = refresh,
    })
    refresh()
  end
  if o.lsp.on_attach then
    o.lsp.on_attach(client, bufnr)
  end
end

local function client_config()
  local o = M.options
  local cmd = o.cmd or { o.server_path or 'claimlens', 'lsp' }
  if vim.fn.executable(cmd[1]) ~= 1 then
    notify(
      ('cannot run %q: not an executable, nor on PATH. Set server_path (or cmd) in require("claimlens").setup{}.'):format(
        cmd[1]
      ),
      vim.log.levels.ERROR
    )
  end
  local settings = vim.tbl_isempty(o.settings) and vim.empty_dict() or o.settings
  local cfg = vim.tbl_extend('force', o.lsp, {
    name = NAME,
    cmd = cmd,
    filetypes = o.filetypes,
    settings = { claimlens = settings },
    init_options = settings,
    -- Neovim calls *.txt 'text'; LSP's id for it is 'plaintext'.
    get_language_id = function(_, filetype)
      return filetype == 'text' and 'plaintext' or filetype
    end,
    on_attach = on_attach,
  })
  return cfg
end

--- Quickfix items from LSP locations, with the given texts.
local function to_items(locations, texts, encoding)
  local items = vim.lsp.util.locations_to_items(locations, encoding)
  for i, item in ipairs(items) do
    if texts and texts[i] then
      item.text = texts[i]
    end
  end
  return items
end

local function set_qflist(title, items)
  table.sort(items, function(a, b)
    if a.filename ~= b.filename then
      return a.filename < b.filename
    end
    return a.lnum < b.lnum
  end)
  vim.fn.setqflist({}, ' ', { title = title, items = items })
end

local function conflicts_from_diagnostics()
  local diags = vim.tbl_filter(function(d)
    return d.code == CONFLICT_CODE or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == CONFLICT_CODE)
  end, vim.diagnostic.get(nil))
  return vim.diagnostic.toqflist(diags)
end

--- Fill the quickfix list with every figure conflict of the corpus (the
--- server's claimlens.listConflicts; the diagnostics Neovim has when the
--- server cannot answer). Calls `done(items, source)` when finished.
---@param opts? { open?: boolean, done?: fun(items: table[], source: string) }
function M.conflicts(opts)
  opts = opts or {}
  local function finish(items, source)
    set_qflist('claimlens: figure conflicts', items)
    if opts.open ~= false then
      if #items > 0 then
        vim.cmd('copen')
      else
        notify('no figure conflicts')
      end
    end
    if opts.done then
      opts.done(items, source)
    end
  end
  local client = M.client(0)
  if not client then
    return finish(conflicts_from_diagnostics(), 'diagnostics')
  end
  local params = { command = 'claimlens.listConflicts', arguments = {} }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err or type(result) ~= 'table' then
      notify(
        'claimlens.listConflicts failed (' .. (err and err.message or 'no answer') .. '); using the diagnostics Neovim has',
        vim.log.levels.WARN
      )
      return finish(conflicts_from_diagnostics(), 'diagnostics')
    end
    local locations, texts = {}, {}
    for _, c in ipairs(result) do
      table.insert(locations, { uri = c.uri, range = c.range })
      table.insert(texts, c.message .. (c.code and (' [' .. c.code .. ']') or ''))
    end
    finish(to_items(locations, texts, client.offset_encoding), 'server')
  end, 0)
end

--- Where else the statement under the cursor is made: the server opens the
--- first place (window/showDocument) and the quickfix list gets them all,
--- like the code lens over the statement.
---@param opts? { done?: fun(items: table[]) }
function M.repeats(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if not client then
    return notify('no claimlens server attached to this buffer', vim.log.levels.WARN)
  end
  local pos = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local params = {
    command = 'claimlens.showRepeats',
    arguments = { pos.textDocument.uri, pos.position },
  }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      return notify('claimlens.showRepeats failed: ' .. err.message, vim.log.levels.ERROR)
    end
    local items = to_items(type(result) == 'table' and result or {}, nil, client.offset_encoding)
    if #items == 0 then
      notify('the statement under the cursor is not made anywhere else')
    else
      set_qflist('claimlens: repeats', items)
    end
    if opts.done then
      opts.done(items)
    end
  end, bufnr)
end

local function define_commands()
  vim.api.nvim_create_user_command('ClaimlensConflicts', function()
    M.conflicts()
  end, { desc = 'claimlens: every figure conflict of the corpus in the quickfix list' })
  vim.api.nvim_create_user_command('ClaimlensRepeats', function()
    M.repeats()
  end, { desc = 'claimlens: where else the statement under the cursor is made' })
end

--- Set up claimlens: see :help claimlens-setup.
---@param opts? table
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', {}, M.defaults, opts or {})
  -- lists replace, they do not merge
  for _, k in ipairs({ 'filetypes', 'root_markers', 'cmd' }) do
    if opts and opts[k] ~= nil then
      M.options[k] = opts[k]
    end
  end
  local o = M.options

  if o.highlights then
    set_highlights(o.highlights)
    vim.api.nvim_create_autocmd('ColorScheme', {
      group = vim.api.nvim_create_augroup('claimlens_highlights', { clear = true }),
      callback = function()
        set_highlights(o.highlights)
      end,
    })
  end
  if o.commands then
    define_commands()
  end

  local cfg = client_config()
  if vim.lsp.config and vim.lsp.enable then
    -- Neovim 0.11+
    cfg.root_dir = function(bufnr, on_dir)
      local path = file_path(bufnr)
      if path then
        on_dir(M.root_dir(path, o.root_markers))
      end
    end
    vim.lsp.config(NAME, cfg)
    vim.lsp.enable(NAME)
  else
    -- Neovim 0.9-0.10
    local group = vim.api.nvim_create_augroup('claimlens_start', { clear = true })
    local function start(bufnr)
      local path = file_path(bufnr)
      if not path then
        return
      end
      local c = vim.deepcopy(cfg)
      c.filetypes = nil
      c.root_dir = M.root_dir(path, o.root_markers)
      vim.lsp.start(c, { bufnr = bufnr })
    end
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = o.filetypes,
      callback = function(args)
        start(args.buf)
      end,
    })
    -- buffers already open when setup() runs
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.tbl_contains(o.filetypes, vim.bo[b].filetype) then
        start(b)
      end
    end
  end
end

return M
