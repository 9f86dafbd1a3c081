import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { TemplateRow, TemplateVersionRow } from '../domains/templates/templates.table.ts';
import type { TemplateConnectionSource } from '../domains/templates/templates.service.ts';
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
  /** An ISO-8601 date-time. */
  DateTime: { input: Date; output: Date; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

export type ApiScope =
  | 'ADMIN'
  | 'READ'
  | 'WRITE';

export type CategoryCount = {
  __typename?: 'CategoryCount';
  category: Scalars['String']['output'];
  count: Scalars['Int']['output'];
};

export type CreateTemplateInput = {
  category: Scalars['String']['input'];
  content: Scalars['String']['input'];
  createdBy?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  variables?: InputMaybe<Array<TemplateVariableInput>>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Creates a template. With an idempotencyKey, a retry with the same key (and input) returns the first result and
   * creates nothing twice, also when both arrive at once.
   */
  createTemplate: PromptTemplate;
  /** Soft delete: the template becomes inactive and is hidden unless includeInactive is set. */
  deleteTemplate: PromptTemplate;
  /** Renders a template (by id or by name) with the given variables. */
  renderTemplate: RenderResult;
  /** Makes an earlier version current again, as a new version. */
  restoreTemplateVersion: PromptTemplate;
  /** Changes a template; a change of content or variables bumps its version and keeps the previous one. */
  updateTemplate: PromptTemplate;
};


export type MutationCreateTemplateArgs = {
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  input: CreateTemplateInput;
};


export type MutationDeleteTemplateArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRenderTemplateArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  strict?: InputMaybe<Scalars['Boolean']['input']>;
  variables?: InputMaybe<Scalars['JSON']['input']>;
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

export type PromptTemplate = {
  __typename?: 'PromptTemplate';
  category: Scalars['String']['output'];
  content: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<Scalars['String']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  isActive: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  variables: Array<TemplateVariable>;
  version: Scalars['Int']['output'];
  /** Every version of this template, the current one included, newest first. */
  versions: Array<TemplateVersion>;
};

export type Query = {
  __typename?: 'Query';
  /** Each category with its number of active templates. */
  categories: Array<CategoryCount>;
  /** A template by id; null when absent. */
  template?: Maybe<PromptTemplate>;
  /** A template by its unique name; null when absent. */
  templateByName?: Maybe<PromptTemplate>;
  /** Templates, newest first by default, as a keyset-paginated connection. */
  templates: TemplateConnection;
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
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CategoryCount: ResolverTypeWrapper<CategoryCount>;
  CreateTemplateInput: CreateTemplateInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OrderDirection: OrderDirection;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PromptTemplate: ResolverTypeWrapper<TemplateRow>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RenderResult: ResolverTypeWrapper<RenderResult>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  TemplateConnection: ResolverTypeWrapper<TemplateConnectionSource>;
  TemplateEdge: ResolverTypeWrapper<Omit<TemplateEdge, 'node'> & { node: ResolversTypes['PromptTemplate'] }>;
  TemplateFilter: TemplateFilter;
  TemplateOrder: TemplateOrder;
  TemplateOrderField: TemplateOrderField;
  TemplateVariable: ResolverTypeWrapper<TemplateVariable>;
  TemplateVariableInput: TemplateVariableInput;
  TemplateVersion: ResolverTypeWrapper<TemplateVersionRow>;
  UpdateTemplateInput: UpdateTemplateInput;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Boolean: Scalars['Boolean']['output'];
  CategoryCount: CategoryCount;
  CreateTemplateInput: CreateTemplateInput;
  DateTime: Scalars['DateTime']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  PromptTemplate: TemplateRow;
  Query: Record<PropertyKey, never>;
  RenderResult: RenderResult;
  String: Scalars['String']['output'];
  TemplateConnection: TemplateConnectionSource;
  TemplateEdge: Omit<TemplateEdge, 'node'> & { node: ResolversParentTypes['PromptTemplate'] };
  TemplateFilter: TemplateFilter;
  TemplateOrder: TemplateOrder;
  TemplateVariable: TemplateVariable;
  TemplateVariableInput: TemplateVariableInput;
  TemplateVersion: TemplateVersionRow;
  UpdateTemplateInput: UpdateTemplateInput;
}>;

export type LongTextDirectiveArgs = { };

export type LongTextDirectiveResolver<Result, Parent, ContextType = Context, Args = LongTextDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type RequiresScopeDirectiveArgs = {
  scope: ApiScope;
};

export type RequiresScopeDirectiveResolver<Result, Parent, ContextType = Context, Args = RequiresScopeDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CategoryCountResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CategoryCount'] = ResolversParentTypes['CategoryCount']> = ResolversObject<{
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  createTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationCreateTemplateArgs, 'input'>>;
  deleteTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationDeleteTemplateArgs, 'id'>>;
  renderTemplate?: Resolver<ResolversTypes['RenderResult'], ParentType, ContextType, RequireFields<MutationRenderTemplateArgs, 'strict'>>;
  restoreTemplateVersion?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationRestoreTemplateVersionArgs, 'id' | 'version'>>;
  updateTemplate?: Resolver<ResolversTypes['PromptTemplate'], ParentType, ContextType, RequireFields<MutationUpdateTemplateArgs, 'id' | 'input'>>;
}>;

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PromptTemplateResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PromptTemplate'] = ResolversParentTypes['PromptTemplate']> = ResolversObject<{
  category?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  createdBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isActive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  variables?: Resolver<Array<ResolversTypes['TemplateVariable']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['TemplateVersion']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  categories?: Resolver<Array<ResolversTypes['CategoryCount']>, ParentType, ContextType>;
  template?: Resolver<Maybe<ResolversTypes['PromptTemplate']>, ParentType, ContextType, RequireFields<QueryTemplateArgs, 'id'>>;
  templateByName?: Resolver<Maybe<ResolversTypes['PromptTemplate']>, ParentType, ContextType, RequireFields<QueryTemplateByNameArgs, 'name'>>;
  templates?: Resolver<ResolversTypes['TemplateConnection'], ParentType, ContextType, Partial<QueryTemplatesArgs>>;
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

export type Resolvers<ContextType = Context> = ResolversObject<{
  CategoryCount?: CategoryCountResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PromptTemplate?: PromptTemplateResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RenderResult?: RenderResultResolvers<ContextType>;
  TemplateConnection?: TemplateConnectionResolvers<ContextType>;
  TemplateEdge?: TemplateEdgeResolvers<ContextType>;
  TemplateVariable?: TemplateVariableResolvers<ContextType>;
  TemplateVersion?: TemplateVersionResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = Context> = ResolversObject<{
  longText?: LongTextDirectiveResolver<any, any, ContextType>;
  requiresScope?: RequiresScopeDirectiveResolver<any, any, ContextType>;
}>;
