import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { TemplateRow, TemplateVersionRow } from '../domains/templates/templates.table.ts';
import type { TemplateConnectionSource, TemplateEdgeSource } from '../domains/templates/templates.service.ts';
import type { GeneratedContentRow } from '../domains/content/content.table.ts';
import type { UsageEventRow } from '../domains/usage/usage.table.ts';
import type { MemoryRow } from '../domains/memory/memory.table.ts';
import type { ConversationSource } from '../domains/memory/memory.resolvers.ts';
import type { PerformanceStatsSource, DatabasePerformanceSource } from '../domains/performance/performance.types.ts';
import type { Context } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time as RFC 3339 writes it (e.g. 2007-12-03T10:15:30Z), given back in UTC. */
  DateTime: { input: Date; output: Date; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

export type ApiScope =
  | 'ADMIN'
  | 'READ'
  | 'WRITE';

export type ApplicationPerformance = {
  __typename?: 'ApplicationPerformance';
  /** Share of the last five minutes' GraphQL requests that returned an error (0 to 1). */
  errorRate: Scalars['Float']['output'];
  /** Latency of the latest LATENCY_SAMPLE_SIZE GraphQL requests. */
  latencyMs: LatencyPercentiles;
  /** GraphQL requests since start. */
  requests: Scalars['Int']['output'];
  requestsPerSecond: RequestRates;
  /** Requests slower than SLOW_REQUEST_MS since start. */
  slowRequests: Scalars['Int']['output'];
  uptimeSeconds: Scalars['Float']['output'];
};

export type CacheKindPerformance = {
  __typename?: 'CacheKindPerformance';
  errors: Scalars['Int']['output'];
  hitRatio: Scalars['Float']['output'];
  hits: Scalars['Int']['output'];
  kind: Scalars['String']['output'];
  misses: Scalars['Int']['output'];
};

export type CachePerformance = {
  __typename?: 'CachePerformance';
  byKind: Array<CacheKindPerformance>;
  errors: Scalars['Int']['output'];
  hitRatio: Scalars['Float']['output'];
  hits: Scalars['Int']['output'];
  keyCount: Scalars['Int']['output'];
  misses: Scalars['Int']['output'];
};

export type CategoryCount = {
  __typename?: 'CategoryCount';
  category: Scalars['String']['output'];
  count: Scalars['Int']['output'];
};

export type Conversation = {
  __typename?: 'Conversation';
  conversationId: Scalars['String']['output'];
  /** Entries, newest first. */
  entries: MemoryEntryConnection;
  sessionId: Scalars['String']['output'];
};


export type ConversationEntriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ConversationConnection = {
  __typename?: 'ConversationConnection';
  edges: Array<ConversationEdge>;
  pageInfo: PageInfo;
};

export type ConversationEdge = {
  __typename?: 'ConversationEdge';
  cursor: Scalars['String']['output'];
  node: ConversationSummary;
};

export type ConversationSummary = {
  __typename?: 'ConversationSummary';
  conversationId: Scalars['String']['output'];
  entryCount: Scalars['Int']['output'];
  lastActivityAt: Scalars['DateTime']['output'];
};

export type CreateTemplateInput = {
  category: Scalars['String']['input'];
  content: Scalars['String']['input'];
  createdBy?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  variables?: InputMaybe<Array<TemplateVariableInput>>;
};

export type DatabasePerformance = {
  __typename?: 'DatabasePerformance';
  pool: PoolStats;
  /** Statements whose mean (pg_stat_statements) or slowest run (service timings) reached SLOW_QUERY_MS, slowest mean first. */
  slowQueries: Array<SlowQuery>;
  /** Where slowQueries come from: PostgreSQL's pg_stat_statements when installed, else the service's own timings. */
  slowQueriesSource: SlowQueriesSource;
  /** SQL statements per GraphQL request over the latest LATENCY_SAMPLE_SIZE requests. */
  statementsPerRequest: StatementsPerRequest;
};


export type DatabasePerformanceSlowQueriesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};

export type GeneratedContent = {
  __typename?: 'GeneratedContent';
  aiModel?: Maybe<Scalars['String']['output']>;
  content: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  inputVariables: Scalars['JSON']['output'];
  responseTimeMs?: Maybe<Scalars['Int']['output']>;
  template: PromptTemplate;
  tokensUsed?: Maybe<Scalars['Int']['output']>;
};

export type GeneratedContentConnection = {
  __typename?: 'GeneratedContentConnection';
  edges: Array<GeneratedContentEdge>;
  pageInfo: PageInfo;
};

export type GeneratedContentEdge = {
  __typename?: 'GeneratedContentEdge';
  cursor: Scalars['String']['output'];
  node: GeneratedContent;
};

export type GeneratedContentInput = {
  aiModel?: InputMaybe<Scalars['String']['input']>;
  content: Scalars['String']['input'];
  inputVariables?: InputMaybe<Scalars['JSON']['input']>;
  responseTimeMs?: InputMaybe<Scalars['Int']['input']>;
  templateId: Scalars['ID']['input'];
  tokensUsed?: InputMaybe<Scalars['Int']['input']>;
};

export type ItemError = {
  __typename?: 'ItemError';
  code: Scalars['String']['output'];
  message: Scalars['String']['output'];
};

export type LatencyPercentiles = {
  __typename?: 'LatencyPercentiles';
  p50: Scalars['Float']['output'];
  p95: Scalars['Float']['output'];
  p99: Scalars['Float']['output'];
};

export type MemoryEntry = {
  __typename?: 'MemoryEntry';
  content: Scalars['String']['output'];
  conversationId: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  metadata?: Maybe<Scalars['JSON']['output']>;
  role: MemoryRole;
  sessionId: Scalars['String']['output'];
};

export type MemoryEntryConnection = {
  __typename?: 'MemoryEntryConnection';
  edges: Array<MemoryEntryEdge>;
  pageInfo: PageInfo;
};

export type MemoryEntryEdge = {
  __typename?: 'MemoryEntryEdge';
  cursor: Scalars['String']['output'];
  node: MemoryEntry;
};

export type MemoryInput = {
  content: Scalars['String']['input'];
  conversationId: Scalars['String']['input'];
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  role: MemoryRole;
  sessionId: Scalars['String']['input'];
  /** Seconds until the entry expires; absent takes the configured default, null never expires. */
  ttlSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type MemoryRole =
  | 'ASSISTANT'
  | 'SYSTEM'
  | 'TOOL'
  | 'USER';

export type ModelUsage = {
  __typename?: 'ModelUsage';
  /** null when the events named no model. */
  aiModel?: Maybe<Scalars['String']['output']>;
  avgResponseTimeMs?: Maybe<Scalars['Float']['output']>;
  count: Scalars['Int']['output'];
  successRate: Scalars['Float']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Appends up to 500 entries in one transaction (all or nothing); idempotencyKey as for appendMemory. */
  appendMemories: Array<MemoryEntry>;
  /** Appends one entry to a conversation's memory. A retry with the same idempotencyKey returns the first result and writes nothing twice. */
  appendMemory: MemoryEntry;
  /** Removes every entry of a conversation; returns how many were removed. */
  clearConversation: Scalars['Int']['output'];
  /**
   * Creates a template. With an idempotencyKey, a retry with the same key (and input) returns the first result and
   * creates nothing twice, also when both arrive at once.
   */
  createTemplate: PromptTemplate;
  /** Creates up to 100 templates in one transaction; any invalid item rejects the whole batch. */
  createTemplates: Array<PromptTemplate>;
  /** Soft delete: the template becomes inactive and is hidden unless includeInactive is set. */
  deleteTemplate: PromptTemplate;
  /** Stores content generated from a template. */
  recordGeneratedContent: GeneratedContent;
  /** Records one usage event, for clients that render elsewhere or report after the model answered. A retry with the same idempotencyKey returns the first event and records nothing twice. */
  recordUsage: UsageEvent;
  /** Renders a template (by id or by name) with the given variables, and records one usage event. */
  renderTemplate: RenderResult;
  /** Renders up to 100 templates; each item's result or error is reported as data. */
  renderTemplates: Array<RenderItem>;
  /** Makes an earlier version current again, as a new version. */
  restoreTemplateVersion: PromptTemplate;
  /** Changes a template; a change of content or variables bumps its version and keeps the previous one. */
  updateTemplate: PromptTemplate;
};


export type MutationAppendMemoriesArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  inputs: Array<MemoryInput>;
};


export type MutationAppendMemoryArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: MemoryInput;
};


export type MutationClearConversationArgs = {
  conversationId: Scalars['String']['input'];
  sessionId: Scalars['String']['input'];
};


export type MutationCreateTemplateArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: CreateTemplateInput;
};


export type MutationCreateTemplatesArgs = {
  inputs: Array<CreateTemplateInput>;
};


export type MutationDeleteTemplateArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRecordGeneratedContentArgs = {
  input: GeneratedContentInput;
};


export type MutationRecordUsageArgs = {
  aiModel?: InputMaybe<Scalars['String']['input']>;
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  responseTimeMs?: InputMaybe<Scalars['Int']['input']>;
  success: Scalars['Boolean']['input'];
  templateId: Scalars['ID']['input'];
};


export type MutationRenderTemplateArgs = {
  aiModel?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  strict?: InputMaybe<Scalars['Boolean']['input']>;
  variables?: InputMaybe<Scalars['JSON']['input']>;
};


export type MutationRenderTemplatesArgs = {
  requests: Array<RenderRequest>;
};


export type MutationRestoreTemplateVersionArgs = {
  id: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};


export type MutationUpdateTemplateArgs = {
  id: Scalars['ID']['input'];
  input: UpdateTemplateInput;
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PerformanceStats = {
  __typename?: 'PerformanceStats';
  application: ApplicationPerformance;
  cache: CachePerformance;
  database: DatabasePerformance;
  generatedAt: Scalars['DateTime']['output'];
  system: SystemPerformance;
};

export type PoolStats = {
  __typename?: 'PoolStats';
  idle: Scalars['Int']['output'];
  max: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
  waiting: Scalars['Int']['output'];
};

export type PopularTemplate = {
  __typename?: 'PopularTemplate';
  template: PromptTemplate;
  usageCount: Scalars['Int']['output'];
};

export type PromptTemplate = {
  __typename?: 'PromptTemplate';
  category: Scalars['String']['output'];
  content: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<Scalars['String']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  /** Content generated from this template, newest first. */
  generatedContents: GeneratedContentConnection;
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Usage figures, all time or since a moment. */
  usage: UsageSummary;
  /** All-time number of usage events. */
  usageCount: Scalars['Int']['output'];
  variables: Array<TemplateVariable>;
  version: Scalars['Int']['output'];
  /** Every version of this template, the current one included, newest first. */
  versions: Array<TemplateVersion>;
};


export type PromptTemplateGeneratedContentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type PromptTemplateUsageArgs = {
  since?: InputMaybe<Scalars['DateTime']['input']>;
};

export type Query = {
  __typename?: 'Query';
  /** Each category with its number of active templates. */
  categories: Array<CategoryCount>;
  /** One conversation of a session. Expired entries are never returned. */
  conversation: Conversation;
  /** A session's conversations, most recently active first. */
  conversations: ConversationConnection;
  /** A generated content record; null when absent. */
  generatedContent?: Maybe<GeneratedContent>;
  /** The service's performance dashboard: database, cache, application and system figures. */
  performanceStats: PerformanceStats;
  /** The most used active templates, all time or since a moment (limit at most 100). */
  popularTemplates: Array<PopularTemplate>;
  /** A template by id; null when absent. */
  template?: Maybe<PromptTemplate>;
  /** A template by its unique name; null when absent. */
  templateByName?: Maybe<PromptTemplate>;
  /** Templates, newest first by default, as a keyset-paginated connection. */
  templates: TemplateConnection;
};


export type QueryConversationArgs = {
  conversationId: Scalars['String']['input'];
  sessionId: Scalars['String']['input'];
};


export type QueryConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  sessionId: Scalars['String']['input'];
};


export type QueryGeneratedContentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPopularTemplatesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  since?: InputMaybe<Scalars['DateTime']['input']>;
};


export type QueryTemplateArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTemplateByNameArgs = {
  name: Scalars['String']['input'];
};


export type QueryTemplatesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TemplateFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<TemplateOrder>;
};

export type RenderItem = {
  __typename?: 'RenderItem';
  error?: Maybe<ItemError>;
  index: Scalars['Int']['output'];
  result?: Maybe<RenderResult>;
};

export type RenderRequest = {
  aiModel?: InputMaybe<Scalars['String']['input']>;
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  strict?: InputMaybe<Scalars['Boolean']['input']>;
  variables?: InputMaybe<Scalars['JSON']['input']>;
};

export type RenderResult = {
  __typename?: 'RenderResult';
  /** Optional variables filled from their default. */
  defaultedVariables: Array<Scalars['String']['output']>;
  /** Declared optional variables with neither a value nor a default (rendered as empty). */
  missingVariables: Array<Scalars['String']['output']>;
  rendered: Scalars['String']['output'];
  templateId: Scalars['ID']['output'];
  templateName: Scalars['String']['output'];
  /** Supplied variables the template does not declare (ignored when not strict). */
  unknownVariables: Array<Scalars['String']['output']>;
  /** Variables supplied by the caller and used. */
  usedVariables: Array<Scalars['String']['output']>;
  version: Scalars['Int']['output'];
};

export type RequestRates = {
  __typename?: 'RequestRates';
  fifteenMinutes: Scalars['Float']['output'];
  fiveMinutes: Scalars['Float']['output'];
  oneMinute: Scalars['Float']['output'];
};

export type SlowQueriesSource =
  | 'PG_STAT_STATEMENTS'
  | 'SERVICE';

export type SlowQuery = {
  __typename?: 'SlowQuery';
  count: Scalars['Int']['output'];
  maxMs: Scalars['Float']['output'];
  meanMs: Scalars['Float']['output'];
  /** The function that issued it (service timings only). */
  repositoryFunction?: Maybe<Scalars['String']['output']>;
  /** The normalised statement: no values, placeholders only. */
  statement: Scalars['String']['output'];
  totalMs: Scalars['Float']['output'];
};

export type StatementsPerRequest = {
  __typename?: 'StatementsPerRequest';
  max: Scalars['Int']['output'];
  mean: Scalars['Float']['output'];
  /** How many requests the figures cover. */
  requests: Scalars['Int']['output'];
};

export type SystemPerformance = {
  __typename?: 'SystemPerformance';
  /** Process CPU time over wall time since the previous reading, in percent of one core. */
  cpuPercent: Scalars['Float']['output'];
  /** Free space on the data directory's file system; null when unknown. */
  diskFreePercent?: Maybe<Scalars['Float']['output']>;
  heapUsedMb: Scalars['Float']['output'];
  /** 1, 5 and 15 minute load averages. */
  loadAverage: Array<Scalars['Float']['output']>;
  rssMb: Scalars['Float']['output'];
};

export type TemplateConnection = {
  __typename?: 'TemplateConnection';
  edges: Array<TemplateEdge>;
  pageInfo: PageInfo;
  /** Counted only when selected. */
  totalCount: Scalars['Int']['output'];
};

export type TemplateEdge = {
  __typename?: 'TemplateEdge';
  cursor: Scalars['String']['output'];
  node: PromptTemplate;
};

export type TemplateFilter = {
  category?: InputMaybe<Scalars['String']['input']>;
  createdBy?: InputMaybe<Scalars['String']['input']>;
  includeInactive?: InputMaybe<Scalars['Boolean']['input']>;
  /** Case-insensitive match on name and description. */
  search?: InputMaybe<Scalars['String']['input']>;
};

export type TemplateOrder = {
  /** Defaults to DESC for times and ASC for names. */
  direction?: InputMaybe<OrderDirection>;
  field?: TemplateOrderField;
};

export type TemplateOrderField =
  | 'CREATED_AT'
  | 'NAME'
  | 'UPDATED_AT';

export type TemplateVariable = {
  __typename?: 'TemplateVariable';
  defaultValue?: Maybe<Scalars['JSON']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  required: Scalars['Boolean']['output'];
};

export type TemplateVariableInput = {
  defaultValue?: InputMaybe<Scalars['JSON']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  required?: InputMaybe<Scalars['Boolean']['input']>;
};

export type TemplateVersion = {
  __typename?: 'TemplateVersion';
  content: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<Scalars['String']['output']>;
  variables: Array<TemplateVariable>;
  version: Scalars['Int']['output'];
};

export type UpdateTemplateInput = {
  category?: InputMaybe<Scalars['String']['input']>;
  content?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** Who made this change; recorded on the new version. */
  updatedBy?: InputMaybe<Scalars['String']['input']>;
  variables?: InputMaybe<Array<TemplateVariableInput>>;
};

export type UsageEvent = {
  __typename?: 'UsageEvent';
  aiModel?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  responseTimeMs?: Maybe<Scalars['Int']['output']>;
  success: Scalars['Boolean']['output'];
  templateId: Scalars['ID']['output'];
};

export type UsageSummary = {
  __typename?: 'UsageSummary';
  avgResponseTimeMs?: Maybe<Scalars['Float']['output']>;
  byModel: Array<ModelUsage>;
  count: Scalars['Int']['output'];
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  successCount: Scalars['Int']['output'];
  /** successCount / count; 0 when unused. */
  successRate: Scalars['Float']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  ApiScope: ApiScope;
  ApplicationPerformance: ResolverTypeWrapper<ApplicationPerformance>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CacheKindPerformance: ResolverTypeWrapper<CacheKindPerformance>;
  CachePerformance: ResolverTypeWrapper<CachePerformance>;
  CategoryCount: ResolverTypeWrapper<CategoryCount>;
  Conversation: ResolverTypeWrapper<ConversationSource>;
  ConversationConnection: ResolverTypeWrapper<ConversationConnection>;
  ConversationEdge: ResolverTypeWrapper<ConversationEdge>;
  ConversationSummary: ResolverTypeWrapper<ConversationSummary>;
  CreateTemplateInput: CreateTemplateInput;
  DatabasePerformance: ResolverTypeWrapper<DatabasePerformanceSource>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  GeneratedContent: ResolverTypeWrapper<GeneratedContentRow>;
  GeneratedContentConnection: ResolverTypeWrapper<Omit<GeneratedContentConnection, 'edges'> & { edges: Array<ResolversTypes['GeneratedContentEdge']> }>;
  GeneratedContentEdge: ResolverTypeWrapper<Omit<GeneratedContentEdge, 'node'> & { node: ResolversTypes['GeneratedContent'] }>;
  GeneratedContentInput: GeneratedContentInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ItemError: ResolverTypeWrapper<ItemError>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  LatencyPercentiles: ResolverTypeWrapper<LatencyPercentiles>;
  MemoryEntry: ResolverTypeWrapper<MemoryRow>;
  MemoryEntryConnection: ResolverTypeWrapper<Omit<MemoryEntryConnection, 'edges'> & { edges: Array<ResolversTypes['MemoryEntryEdge']> }>;
  MemoryEntryEdge: ResolverTypeWrapper<Omit<MemoryEntryEdge, 'node'> & { node: ResolversTypes['MemoryEntry'] }>;
  MemoryInput: MemoryInput;
  MemoryRole: MemoryRole;
  ModelUsage: ResolverTypeWrapper<ModelUsage>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OrderDirection: OrderDirection;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PerformanceStats: ResolverTypeWrapper<PerformanceStatsSource>;
  PoolStats: ResolverTypeWrapper<PoolStats>;
  PopularTemplate: ResolverTypeWrapper<Omit<PopularTemplate, 'template'> & { template: ResolversTypes['PromptTemplate'] }>;
  PromptTemplate: ResolverTypeWrapper<TemplateRow>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RenderItem: ResolverTypeWrapper<RenderItem>;
  RenderRequest: RenderRequest;
  RenderResult: ResolverTypeWrapper<RenderResult>;
  RequestRates: ResolverTypeWrapper<RequestRates>;
  SlowQueriesSource: SlowQueriesSource;
  SlowQuery: ResolverTypeWrapper<SlowQuery>;
  StatementsPerRequest: ResolverTypeWrapper<StatementsPerRequest>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  SystemPerformance: ResolverTypeWrapper<SystemPerformance>;
  TemplateConnection: ResolverTypeWrapper<TemplateConnectionSource>;
  TemplateEdge: ResolverTypeWrapper<TemplateEdgeSource>;
  TemplateFilter: TemplateFilter;
  TemplateOrder: TemplateOrder;
  TemplateOrderField: TemplateOrderField;
  TemplateVariable: ResolverTypeWrapper<TemplateVariable>;
  TemplateVariableInput: TemplateVariableInput;
  TemplateVersion: ResolverTypeWrapper<TemplateVersionRow>;
  UpdateTemplateInput: UpdateTemplateInput;
  UsageEvent: ResolverTypeWrapper<UsageEventRow>;
  UsageSummary: ResolverTypeWrapper<UsageSummary>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  ApplicationPerformance: ApplicationPerformance;
  Boolean: Scalars['Boolean']['output'];
  CacheKindPerformance: CacheKindPerformance;
  CachePerformance: CachePerformance;
  CategoryCount: CategoryCount;
  Conversation: ConversationSource;
  ConversationConnection: ConversationConnection;
  ConversationEdge: ConversationEdge;
  ConversationSummary: ConversationSummary;
  CreateTemplateInput: CreateTemplateInput;
  DatabasePerformance: DatabasePerformanceSource;
  DateTime: Scalars['DateTime']['output'];
  Float: Scalars['Float']['output'];
  GeneratedContent: GeneratedContentRow;
  GeneratedContentConnection: Omit<GeneratedContentConnection, 'edges'> & { edges: Array<ResolversParentTypes['GeneratedContentEdge']> };
  GeneratedContentEdge: Omit<GeneratedContentEdge, 'node'> & { node: ResolversParentTypes['GeneratedContent'] };
  GeneratedContentInput: GeneratedContentInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  ItemError: ItemError;
  JSON: Scalars['JSON']['output'];
  LatencyPercentiles: LatencyPercentiles;
  MemoryEntry: MemoryRow;
  MemoryEntryConnection: Omit<MemoryEntryConnection, 'edges'> & { edges: Array<ResolversParentTypes['MemoryEntryEdge']> };
  MemoryEntryEdge: Omit<MemoryEntryEdge, 'node'> & { node: ResolversParentTypes['MemoryEntry'] };
  MemoryInput: MemoryInput;
  ModelUsage: ModelUsage;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PerformanceStats: PerformanceStatsSource;
  PoolStats: PoolStats;
  PopularTemplate: Omit<PopularTemplate, 'template'> & { template: ResolversParentTypes['PromptTemplate'] };
  PromptTemplate: TemplateRow;
  Query: Record<PropertyKey, never>;
  RenderItem: RenderItem;
  RenderRequest: RenderRequest;
  RenderResult: RenderResult;
  RequestRates: RequestRates;
  SlowQuery: SlowQuery;
  StatementsPerRequest: StatementsPerRequest;
  String: Scalars['String']['output'];
  SystemPerformance: SystemPerformance;
  TemplateConnection: TemplateConnectionSource;
  TemplateEdge: TemplateEdgeSource;
  TemplateFilter: TemplateFilter;
  TemplateOrder: TemplateOrder;
  TemplateVariable: TemplateVariable;
  TemplateVariableInput: TemplateVariableInput;
  TemplateVersion: TemplateVersionRow;
  UpdateTemplateInput: UpdateTemplateInput;
  UsageEvent: UsageEventRow;
  UsageSummary: UsageSummary;
}>;

export type LongTextDirectiveArgs = { };

export type LongTextDirectiveResolver<Result, Parent, ContextType = Context, Args = LongTextDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type RequiresScopeDirectiveArgs = {
  scope: ApiScope;
};

export type RequiresScopeDirectiveResolver<Result, Parent, ContextType = Context, Args = RequiresScopeDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ApplicationPerformanceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ApplicationPerformance'] = ResolversParentTypes['ApplicationPerformance']> = ResolversObject<{
  errorRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['LatencyPercentiles'], ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  requestsPerSecond?: Resolver<ResolversTypes['RequestRates'], ParentType, ContextType>;
  slowRequests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  uptimeSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type CacheKindPerformanceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CacheKindPerformance'] = ResolversParentTypes['CacheKindPerformance']> = ResolversObject<{
  errors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  hitRatio?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  hits?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  misses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CachePerformanceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CachePerformance'] = ResolversParentTypes['CachePerformance']> = ResolversObject<{
  byKind?: Resolver<Array<ResolversTypes['CacheKindPerformance']>, ParentType, ContextType>;
  errors?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  hitRatio?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  hits?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  keyCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  misses?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type CategoryCountResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CategoryCount'] = ResolversParentTypes['CategoryCount']> = ResolversObject<{
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ConversationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Conversation'] = ResolversParentTypes['Conversation']> = ResolversObject<{
  conversationId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entries?: Resolver<ResolversTypes['MemoryEntryConnection'], ParentType, ContextType, Partial<ConversationEntriesArgs>>;
  sessionId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ConversationConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ConversationConnection'] = ResolversParentTypes['ConversationConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ConversationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ConversationEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ConversationEdge'] = ResolversParentTypes['ConversationEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ConversationSummary'], ParentType, ContextType>;
}>;

export type ConversationSummaryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ConversationSummary'] = ResolversParentTypes['ConversationSummary']> = ResolversObject<{
  conversationId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entryCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastActivityAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type DatabasePerformanceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['DatabasePerformance'] = ResolversParentTypes['DatabasePerformance']> = ResolversObject<{
  pool?: Resolver<ResolversTypes['PoolStats'], ParentType, ContextType>;
  slowQueries?: Resolver<Array<ResolversTypes['SlowQuery']>, ParentType, ContextType, RequireFields<DatabasePerformanceSlowQueriesArgs, 'limit'>>;
  slowQueriesSource?: Resolver<ResolversTypes['SlowQueriesSource'], ParentType, ContextType>;
  statementsPerRequest?: Resolver<ResolversTypes['StatementsPerRequest'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type GeneratedContentResolvers<ContextType = Context, ParentType extends ResolversParentTypes['GeneratedContent'] = ResolversParentTypes['GeneratedContent']> = ResolversObject<{
  aiModel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inputVariables?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  responseTimeMs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  template?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType>;
  tokensUsed?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type GeneratedContentConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['GeneratedContentConnection'] = ResolversParentTypes['GeneratedContentConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['GeneratedContentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type GeneratedContentEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['GeneratedContentEdge'] = ResolversParentTypes['GeneratedContentEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['GeneratedContent'], ParentType, ContextType>;
}>;

export type ItemErrorResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ItemError'] = ResolversParentTypes['ItemError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type LatencyPercentilesResolvers<ContextType = Context, ParentType extends ResolversParentTypes['LatencyPercentiles'] = ResolversParentTypes['LatencyPercentiles']> = ResolversObject<{
  p50?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  p95?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  p99?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type MemoryEntryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MemoryEntry'] = ResolversParentTypes['MemoryEntry']> = ResolversObject<{
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  conversationId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metadata?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  role?: Resolver<ResolversTypes['MemoryRole'], ParentType, ContextType>;
  sessionId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type MemoryEntryConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MemoryEntryConnection'] = ResolversParentTypes['MemoryEntryConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['MemoryEntryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type MemoryEntryEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['MemoryEntryEdge'] = ResolversParentTypes['MemoryEntryEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['MemoryEntry'], ParentType, ContextType>;
}>;

export type ModelUsageResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ModelUsage'] = ResolversParentTypes['ModelUsage']> = ResolversObject<{
  aiModel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  avgResponseTimeMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  successRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  appendMemories?: Resolver<Array<ResolversTypes['MemoryEntry']>, ParentType, ContextType, RequireFields<MutationAppendMemoriesArgs, 'inputs'>>;
  appendMemory?: Resolver<ResolversTypes['MemoryEntry'], ParentType, ContextType, RequireFields<MutationAppendMemoryArgs, 'input'>>;
  clearConversation?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationClearConversationArgs, 'conversationId' | 'sessionId'>>;
  createTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationCreateTemplateArgs, 'input'>>;
  createTemplates?: Resolver<Array<ResolversTypes['PromptTemplate']>, ParentType, ContextType, RequireFields<MutationCreateTemplatesArgs, 'inputs'>>;
  deleteTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationDeleteTemplateArgs, 'id'>>;
  recordGeneratedContent?: Resolver<ResolversTypes['GeneratedContent'], ParentType, ContextType, RequireFields<MutationRecordGeneratedContentArgs, 'input'>>;
  recordUsage?: Resolver<ResolversTypes['UsageEvent'], ParentType, ContextType, RequireFields<MutationRecordUsageArgs, 'success' | 'templateId'>>;
  renderTemplate?: Resolver<ResolversTypes['RenderResult'], ParentType, ContextType, RequireFields<MutationRenderTemplateArgs, 'strict'>>;
  renderTemplates?: Resolver<Array<ResolversTypes['RenderItem']>, ParentType, ContextType, RequireFields<MutationRenderTemplatesArgs, 'requests'>>;
  restoreTemplateVersion?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationRestoreTemplateVersionArgs, 'id' | 'version'>>;
  updateTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationUpdateTemplateArgs, 'id' | 'input'>>;
}>;

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PerformanceStatsResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PerformanceStats'] = ResolversParentTypes['PerformanceStats']> = ResolversObject<{
  application?: Resolver<ResolversTypes['ApplicationPerformance'], ParentType, ContextType>;
  cache?: Resolver<ResolversTypes['CachePerformance'], ParentType, ContextType>;
  database?: Resolver<ResolversTypes['DatabasePerformance'], ParentType, ContextType>;
  generatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  system?: Resolver<ResolversTypes['SystemPerformance'], ParentType, ContextType>;
}>;

export type PoolStatsResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PoolStats'] = ResolversParentTypes['PoolStats']> = ResolversObject<{
  idle?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  max?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  waiting?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PopularTemplateResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PopularTemplate'] = ResolversParentTypes['PopularTemplate']> = ResolversObject<{
  template?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType>;
  usageCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type PromptTemplateResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PromptTemplate'] = ResolversParentTypes['PromptTemplate']> = ResolversObject<{
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  generatedContents?: Resolver<ResolversTypes['GeneratedContentConnection'], ParentType, ContextType, Partial<PromptTemplateGeneratedContentsArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isActive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  usage?: Resolver<ResolversTypes['UsageSummary'], ParentType, ContextType, Partial<PromptTemplateUsageArgs>>;
  usageCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  variables?: Resolver<Array<ResolversTypes['TemplateVariable']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['TemplateVersion']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  categories?: Resolver<Array<ResolversTypes['CategoryCount']>, ParentType, ContextType>;
  conversation?: Resolver<ResolversTypes['Conversation'], ParentType, ContextType, RequireFields<QueryConversationArgs, 'conversationId' | 'sessionId'>>;
  conversations?: Resolver<ResolversTypes['ConversationConnection'], ParentType, ContextType, RequireFields<QueryConversationsArgs, 'sessionId'>>;
  generatedContent?: Resolver<Maybe<ResolversTypes['GeneratedContent']>, ParentType, ContextType, RequireFields<QueryGeneratedContentArgs, 'id'>>;
  performanceStats?: Resolver<ResolversTypes['PerformanceStats'], ParentType, ContextType>;
  popularTemplates?: Resolver<Array<ResolversTypes['PopularTemplate']>, ParentType, ContextType, RequireFields<QueryPopularTemplatesArgs, 'limit'>>;
  template?: Resolver<Maybe<ResolversTypes['PromptTemplate']>, ParentType, ContextType, RequireFields<QueryTemplateArgs, 'id'>>;
  templateByName?: Resolver<Maybe<ResolversTypes['PromptTemplate']>, ParentType, ContextType, RequireFields<QueryTemplateByNameArgs, 'name'>>;
  templates?: Resolver<ResolversTypes['TemplateConnection'], ParentType, ContextType, Partial<QueryTemplatesArgs>>;
}>;

export type RenderItemResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RenderItem'] = ResolversParentTypes['RenderItem']> = ResolversObject<{
  error?: Resolver<Maybe<ResolversTypes['ItemError']>, ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  result?: Resolver<Maybe<ResolversTypes['RenderResult']>, ParentType, ContextType>;
}>;

export type RenderResultResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RenderResult'] = ResolversParentTypes['RenderResult']> = ResolversObject<{
  defaultedVariables?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  missingVariables?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  rendered?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  templateId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  templateName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  unknownVariables?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  usedVariables?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type RequestRatesResolvers<ContextType = Context, ParentType extends ResolversParentTypes['RequestRates'] = ResolversParentTypes['RequestRates']> = ResolversObject<{
  fifteenMinutes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  fiveMinutes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  oneMinute?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type SlowQueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SlowQuery'] = ResolversParentTypes['SlowQuery']> = ResolversObject<{
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  meanMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  repositoryFunction?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  statement?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  totalMs?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type StatementsPerRequestResolvers<ContextType = Context, ParentType extends ResolversParentTypes['StatementsPerRequest'] = ResolversParentTypes['StatementsPerRequest']> = ResolversObject<{
  max?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  mean?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  requests?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type SystemPerformanceResolvers<ContextType = Context, ParentType extends ResolversParentTypes['SystemPerformance'] = ResolversParentTypes['SystemPerformance']> = ResolversObject<{
  cpuPercent?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  diskFreePercent?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  heapUsedMb?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  loadAverage?: Resolver<Array<ResolversTypes['Float']>, ParentType, ContextType>;
  rssMb?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type TemplateConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TemplateConnection'] = ResolversParentTypes['TemplateConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['TemplateEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type TemplateEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TemplateEdge'] = ResolversParentTypes['TemplateEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType>;
}>;

export type TemplateVariableResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TemplateVariable'] = ResolversParentTypes['TemplateVariable']> = ResolversObject<{
  defaultValue?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  required?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type TemplateVersionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['TemplateVersion'] = ResolversParentTypes['TemplateVersion']> = ResolversObject<{
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  variables?: Resolver<Array<ResolversTypes['TemplateVariable']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type UsageEventResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UsageEvent'] = ResolversParentTypes['UsageEvent']> = ResolversObject<{
  aiModel?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  responseTimeMs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  success?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  templateId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type UsageSummaryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UsageSummary'] = ResolversParentTypes['UsageSummary']> = ResolversObject<{
  avgResponseTimeMs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  byModel?: Resolver<Array<ResolversTypes['ModelUsage']>, ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  successCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  successRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  ApplicationPerformance?: ApplicationPerformanceResolvers<ContextType>;
  CacheKindPerformance?: CacheKindPerformanceResolvers<ContextType>;
  CachePerformance?: CachePerformanceResolvers<ContextType>;
  CategoryCount?: CategoryCountResolvers<ContextType>;
  Conversation?: ConversationResolvers<ContextType>;
  ConversationConnection?: ConversationConnectionResolvers<ContextType>;
  ConversationEdge?: ConversationEdgeResolvers<ContextType>;
  ConversationSummary?: ConversationSummaryResolvers<ContextType>;
  DatabasePerformance?: DatabasePerformanceResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  GeneratedContent?: GeneratedContentResolvers<ContextType>;
  GeneratedContentConnection?: GeneratedContentConnectionResolvers<ContextType>;
  GeneratedContentEdge?: GeneratedContentEdgeResolvers<ContextType>;
  ItemError?: ItemErrorResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  LatencyPercentiles?: LatencyPercentilesResolvers<ContextType>;
  MemoryEntry?: MemoryEntryResolvers<ContextType>;
  MemoryEntryConnection?: MemoryEntryConnectionResolvers<ContextType>;
  MemoryEntryEdge?: MemoryEntryEdgeResolvers<ContextType>;
  ModelUsage?: ModelUsageResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PerformanceStats?: PerformanceStatsResolvers<ContextType>;
  PoolStats?: PoolStatsResolvers<ContextType>;
  PopularTemplate?: PopularTemplateResolvers<ContextType>;
  PromptTemplate?: PromptTemplateResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RenderItem?: RenderItemResolvers<ContextType>;
  RenderResult?: RenderResultResolvers<ContextType>;
  RequestRates?: RequestRatesResolvers<ContextType>;
  SlowQuery?: SlowQueryResolvers<ContextType>;
  StatementsPerRequest?: StatementsPerRequestResolvers<ContextType>;
  SystemPerformance?: SystemPerformanceResolvers<ContextType>;
  TemplateConnection?: TemplateConnectionResolvers<ContextType>;
  TemplateEdge?: TemplateEdgeResolvers<ContextType>;
  TemplateVariable?: TemplateVariableResolvers<ContextType>;
  TemplateVersion?: TemplateVersionResolvers<ContextType>;
  UsageEvent?: UsageEventResolvers<ContextType>;
  UsageSummary?: UsageSummaryResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = Context> = ResolversObject<{
  longText?: LongTextDirectiveResolver<any, any, ContextType>;
  requiresScope?: RequiresScopeDirectiveResolver<any, any, ContextType>;
}>;
